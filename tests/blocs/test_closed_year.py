"""A closed year is read-only: every write endpoint of a bloc's year is refused, and nothing is written.

The endpoints are taken from the access table (tests/test_access.py), so a new write view on a
bloc's year is covered here as soon as it is listed there.
"""

import pytest
from django.apps import apps
from django.urls import reverse

from blocs import urls as blocs_urls
from blocs.models import Score
from blocs.services_year import year_close
from tests.test_access import CASES, access_world  # noqa: F401  (the fixture is used by name)

OPENING_AND_CLOSING = {"blocs:year_close", "blocs:year_reopen"}
YEAR_ROUTES = {f"blocs:{p.name}" for p in blocs_urls.urlpatterns if "nam/<int:year>" in str(p.pattern)}
_A = lambda w: {"pk": w["bloc_a"].pk, "year": 2025}  # noqa: E731
# Forms the access table only GETs: their POSTs must be refused too.
FORM_POSTS = [
    ("blocs:criterion_add", _A, "post", lambda w: {"code": "V", "title": "X", "kind": "normal", "max_points": "1"}),
    ("blocs:pledge_edit", _A, "post", lambda w: {"title": "Giao ước", "version": "1"}),
    (
        "blocs:criterion_edit",
        lambda w: {**_A(w), "cid": w["criterion"].pk},
        "post",
        lambda w: {"code": "I.1", "title": "X", "kind": "normal", "max_points": "1"},
    ),
]
YEAR_WRITES = [
    case[:4] for case in CASES if case[2] == "post" and case[0] in YEAR_ROUTES and case[0] not in OPENING_AND_CLOSING
] + FORM_POSTS


def _rows_written() -> int:
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return sum(m.objects.count() for m in historical) + Score.objects.count()


def test_the_table_has_year_writes():
    names = {case[0] for case in YEAR_WRITES}
    assert {"blocs:score_cell", "blocs:pledge_edit", "blocs:ratings", "blocs:criterion_add"} <= names


@pytest.mark.parametrize(("name", "kwargs", "method", "data"), YEAR_WRITES, ids=[c[0] for c in YEAR_WRITES])
def test_closed_year_refuses_the_write(name, kwargs, method, data, access_world, board, client_for):  # noqa: F811
    url_kwargs = kwargs(access_world)
    bloc = access_world["bloc_a"] if url_kwargs["pk"] == access_world["bloc_a"].pk else access_world["bloc_b"]
    year_close(bloc=bloc, year=url_kwargs["year"], user=board)
    client = client_for(board)  # signing in writes last_login (and its history): before counting
    before = _rows_written()
    response = client.post(reverse(name, kwargs=url_kwargs), data(access_world))
    assert response.status_code == 403
    assert _rows_written() == before
