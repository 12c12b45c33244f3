"""A closed year is read-only: every write endpoint of a bloc's year is refused, and nothing is written.

The endpoints are taken from the access table (tests/test_access.py): every POST whose URL names a
bloc-year (`khoi/<pk>/nam/<year>/…`, whichever app it belongs to), so a new write view on a bloc's
year is covered here as soon as it is listed there. Each is posted by a persona the table lets through
(the board when it may, else the bloc's secretary), so a refusal comes from the closed year, not the role.
"""

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from blocs.models import Score
from blocs.services_year import year_close
from tests.test_access import CASES, access_world  # noqa: F401  (the fixture is used by name)

OPENING_AND_CLOSING = {"blocs:year_close", "blocs:year_reopen"}
BLOC_YEAR = "<int:pk>/nam/<int:year>/"
ALLOWED = {200, 302}


def _routes(resolver=None, prefix="", route=""):
    """url name -> its whole route ("khoi/<int:pk>/nam/<int:year>/…"), for every named pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry, namespace, route + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", route + str(entry.pattern)


YEAR_ROUTES = {name for name, route in _routes() if BLOC_YEAR in route}
_A = lambda w: {"pk": w["bloc_a"].pk, "year": 2025}  # noqa: E731
_BOARD_WRITES = {"board": 302}
# Forms the access table only GETs: their POSTs must be refused too.
FORM_POSTS = [
    ("blocs:criterion_add", _A, "post", lambda w: {"code": "V", "title": "X", "kind": "normal", "max_points": "1"},
     _BOARD_WRITES),
    ("blocs:pledge_edit", _A, "post", lambda w: {"title": "Giao ước", "version": "1"}, _BOARD_WRITES),
    (
        "blocs:criterion_edit",
        lambda w: {**_A(w), "cid": w["criterion"].pk},
        "post",
        lambda w: {"code": "I.1", "title": "X", "kind": "normal", "max_points": "1"},
        _BOARD_WRITES,
    ),
]  # fmt: skip
YEAR_WRITES = [
    case for case in CASES if case[2] == "post" and case[0] in YEAR_ROUTES and case[0] not in OPENING_AND_CLOSING
] + FORM_POSTS


def _writer(expected: dict) -> str:
    """The persona the access table lets write (the board first, then the bloc's secretary)."""
    for persona in ("board", "secretary_a", "secretary_b"):
        if expected.get(persona) in ALLOWED:
            return persona
    raise AssertionError(f"nobody may write here: {expected}")


def _rows_written() -> int:
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return sum(m.objects.count() for m in historical) + Score.objects.count()


def test_the_table_has_year_writes_of_every_app():
    names = {case[0] for case in YEAR_WRITES}
    assert {"blocs:score_cell", "blocs:pledge_edit", "blocs:ratings", "blocs:criterion_add"} <= names
    assert {"meetings:create", "awards:create", "reports:texts", "reports:draft", "reports:issue"} <= names


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "expected"), YEAR_WRITES, ids=[c[0] for c in YEAR_WRITES])
def test_closed_year_refuses_the_write(name, kwargs, method, data, expected, access_world, personas, client_for):  # noqa: F811
    url_kwargs = kwargs(access_world)
    bloc = access_world["bloc_a"] if url_kwargs["pk"] == access_world["bloc_a"].pk else access_world["bloc_b"]
    year_close(bloc=bloc, year=url_kwargs["year"], user=personas["board"])
    client = client_for(personas[_writer(expected)])  # signing in writes last_login (and its history): first
    payload = data(access_world)
    before = _rows_written()
    response = client.post(reverse(name, kwargs=url_kwargs), payload)
    assert response.status_code == 403
    assert _rows_written() == before
