"""Integer lookups that find nothing, rather than fail, for a number no column can hold.

An id typed into a form or a URL can be any size. PostgreSQL compares it and finds no row; SQLite
cannot even bind an integer beyond 64 bits and raises OverflowError, a server error. Django guards
`exact`, `gt`, `lt`… on integer fields this way; these add the guard to `in` on integer fields
(`pk__in=[…]`, as ModelMultipleChoiceField queries) and to `exact`/`in` through a foreign key
(`unit_id=…`, `unit__in=[…]`). A value out of range cannot match a row, so dropping it is exact.
Registered when the units app is ready.
"""

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _storable(connection, field, value) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    try:
        low, high = connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:  # not an integer column
        return True
    return (low is None or value >= low) and (high is None or value <= high)


def _target(field):
    return getattr(field, "target_field", field)


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            self.rhs = [value for value in self.rhs if _storable(connection, field, value)]
        return super().process_rhs(compiler, connection)


class ForeignKeyIn(RelatedIn):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = _target(self.lhs.output_field)
            self.rhs = [value for value in self.rhs if _storable(connection, field, value)]
        return super().process_rhs(compiler, connection)


class ForeignKeyExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if not _storable(connection, _target(self.lhs.output_field), self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    models.IntegerField.register_lookup(IntegerFieldIn)
    models.ForeignKey.register_lookup(ForeignKeyIn)
    models.ForeignKey.register_lookup(ForeignKeyExact)
