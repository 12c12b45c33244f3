"""Read queries whose SQL the ORM builds once per process, then runs again with other values.

Building a queryset (each `filter()` clones it and resolves its lookups) and compiling it to SQL cost Django
0.3–1 ms a query on the machines the benchmarks run on, more than PostgreSQL takes to answer the small queries
of a page (bench/run.py). A page that reads a dozen facts spends most of its time there. `Prepared` keeps the
ORM as the one way the queries are written: the queryset is built by a function of named values, compiled the
first time, and later runs only put the new values into the compiled SQL.

The values a prepared query takes are whole numbers (ids, years) or lists of them (`__in`); the SQL's shape
may depend on a list's length only, which is part of the cache key. Everything else is fixed in the
function. Whether the compiled SQL really takes the values where the function put them is checked when it is
compiled: the function is built twice with two sets of stand-in numbers, and the two compilations must differ
exactly where the stand-ins are (a lookup that turned a value into something else, or SQL that changes with a
value, is refused with an error at the first run, in the tests).

Rows come back as `values_list()` gives them (tuples, or single values with `flat=True`, the database's
values converted by the same converters the ORM applies), or as model instances, made as the ORM makes them
(`Model.from_db`, the rows of `select_related` joined by Django's own populators, annotations as attributes;
no deferred fields or prefetching). An empty list of ids needs no query: `empty` is returned (the ORM
would not query either).
"""

from collections.abc import Callable, Iterable
from itertools import count

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

# Stand-ins: whole numbers that fit every integer column (a small positive integer field holds up to 32767)
# and that no query of this app holds as a constant. Two sets, to tell the values from the constants.
_FIRST, _SECOND = 20_011, 26_012  # odd and even, far apart
MAX_SHAPES = 256  # compiled shapes kept per prepared query (each list length is a shape): a few hundred KB at most


class Prepared:
    """A read query of a fixed shape: `Prepared(lambda unit_ids, year: Model.objects.filter(...))`, then
    `query(unit_ids=[...], year=2025)` for its rows (a list)."""

    def __init__(self, build: Callable, *, empty=()):
        self.build = build
        self.empty = empty
        self._compiled: dict[tuple, _Compiled] = {}

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        if not all(_bindable(v) for v in values.values()):
            # A number beyond 64 bits (typed into a URL or a form): the ORM's lookups know it matches nothing,
            # where SQLite could not even bind it.
            return list(self.build(**values))
        shape, flat_values = [], {}
        for name in sorted(values):
            value = values[name]
            if isinstance(value, int) and not isinstance(value, bool):
                shape.append((name, None))
                flat_values[name] = value
            elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
                ids = list(dict.fromkeys(value))  # as `__in` takes them: each once, in order
                if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
                    raise TypeError(f"{name}: a prepared query takes whole numbers or lists of them")
                if not ids:
                    return list(self.empty)
                shape.append((name, len(ids)))
                flat_values[name] = ids
            else:
                raise TypeError(f"{name}: a prepared query takes whole numbers or lists of them, not {value!r}")
        key = (using, tuple(shape))
        compiled = self._compiled.get(key)
        if compiled is None:
            if len(self._compiled) >= MAX_SHAPES:  # the oldest shape goes: a few lengths of list are the usual
                self._compiled.pop(next(iter(self._compiled)), None)
            compiled = self._compiled[key] = _compile(self.build, shape, using)
        return compiled.run(flat_values, using)


_INT64 = range(-(2**63), 2**63)


def _bindable(value) -> bool:
    if isinstance(value, int):
        return value in _INT64
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return all(not isinstance(v, int) or v in _INT64 for v in value)
    return True


class _Compiled:
    def __init__(self, sql, params, slots, kind, model, converters, columns):
        self.sql, self.params, self.slots = sql, params, slots
        self.kind, self.model, self.converters, self.columns = kind, model, converters, columns

    def run(self, values: dict, using: str) -> list:
        params = list(self.params)
        for position, name, index in self.slots:
            params[position] = values[name] if index is None else values[name][index]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if rows and len(rows[0]) > self.columns:
            rows = [row[: self.columns] for row in rows]
        if self.converters:
            rows = [self._convert(list(row), connection) for row in rows]
        if self.kind == "model":
            return [self.model.make(using, row) for row in rows]
        if self.kind == "flat":
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]

    def _convert(self, row: list, connection) -> list:
        for position, (functions, expression) in self.converters.items():
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return row


class _ModelMaker:
    def __init__(self, model, start, end, attnames, populators, annotations):
        self.model, self.start, self.end, self.attnames = model, start, end, attnames
        self.populators, self.annotations = populators, annotations

    def make(self, using: str, row):
        obj = self.model.from_db(using, self.attnames, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in self.annotations.items():
            setattr(obj, name, row[position])
        return obj


def _stand_ins(shape, first: int) -> dict:
    numbers = count(first)
    return {name: next(numbers) if length is None else [next(numbers) for _ in range(length)] for name, length in shape}


def _compile(build: Callable, shape, using: str) -> _Compiled:
    first, second = _stand_ins(shape, _FIRST), _stand_ins(shape, _SECOND)
    queryset = build(**first)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    other_sql, other_params = build(**second).query.get_compiler(using=using).as_sql()
    where = {}
    for name, value in first.items():
        for index, number in enumerate([value] if isinstance(value, int) else value):
            where[number] = (name, None if isinstance(value, int) else index, second[name] if isinstance(
                value, int) else second[name][index])  # fmt: skip
    if other_sql != sql or len(other_params) != len(params):
        raise ImproperlyConfigured(f"{build}: its SQL changes with the values it is given; it cannot be prepared")
    slots, seen = [], set()
    for position, (one, other) in enumerate(zip(params, other_params, strict=True)):
        if one == other:
            if one in where:
                raise ImproperlyConfigured(f"{build}: a constant {one} collides with the stand-in values")
            continue
        name, index, expected = where.get(one, (None, None, None))
        if name is None or other != expected:
            raise ImproperlyConfigured(f"{build}: the value at {position} is not one it was given")
        slots.append((position, name, index))
        seen.add(one)
    if seen != where.keys():
        raise ImproperlyConfigured(f"{build}: values it was given are not in its SQL as they are")

    # As `results_iter` reads them: the selected columns (not those only there for the ordering), converted.
    columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    iterable = queryset._iterable_class
    if iterable is ModelIterable:
        query = queryset.query
        if query.deferred_loading != (frozenset(), True) or queryset._prefetch_related_lookups:
            raise ImproperlyConfigured(f"{build}: model rows only without deferred fields or prefetching")
        if queryset._known_related_objects:
            raise ImproperlyConfigured(f"{build}: model rows only of a plain queryset, not a related manager's")
        # As ModelIterable makes them: Model.from_db with the columns' attribute names, the rows joined by
        # select_related set on them by Django's own populators, annotations as attributes.
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using, queryset._fetch_mode)
        maker = _ModelMaker(queryset.model, start, end, attnames, populators, dict(compiler.annotation_col_map))
        return _Compiled(sql, params, slots, "model", maker, converters, compiler.col_count)
    if iterable not in (ValuesListIterable, FlatValuesListIterable):
        raise ImproperlyConfigured(f"{build}: a prepared query gives model rows or values_list() rows")
    kind = "flat" if iterable is FlatValuesListIterable else "tuples"
    return _Compiled(sql, params, slots, kind, None, converters, compiler.col_count)
