"""Closing and reopening a bloc's year; the year overview."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blocs.models import BlocYear
from blocs.services_year import ensure_year_open, year_close, year_reopen
from tests.factories import UserFactory


def _url(name, world, year):
    return reverse(f"blocs:{name}", args=[world["bloc_a"].pk, year])


def test_head_closes_the_year(client_for, head_a, world, year):
    response = client_for(head_a).post(_url("year_close", world, year))
    assert response.status_code == 302
    bloc_year = BlocYear.objects.get(bloc=world["bloc_a"], year=year)
    assert bloc_year.closed_by == head_a
    with pytest.raises(ValidationError) as excinfo:
        ensure_year_open(bloc=world["bloc_a"], year=year)
    assert excinfo.value.code == "year_closed"


@pytest.mark.parametrize(("persona", "status"), [("secretary_a", 403), ("viewer", 403), ("officer_a", 403)])
def test_only_the_head_and_the_board_close(persona, status, personas, client_for, world, year):
    assert client_for(personas[persona]).post(_url("year_close", world, year)).status_code == status
    assert not BlocYear.objects.filter(closed_at__isnull=False).exists()


def test_reopening_needs_a_reason_and_keeps_it(client_for, board, head_a, world, year):
    year_close(bloc=world["bloc_a"], year=year, user=head_a)
    client = client_for(board)
    client.post(_url("year_reopen", world, year), {"reason": "  "})
    assert BlocYear.objects.get().is_closed
    client.post(_url("year_reopen", world, year), {"reason": "Bổ sung điểm thẩm định của Sở Tư pháp"})
    bloc_year = BlocYear.objects.get()
    assert not bloc_year.is_closed
    reasons = [h.reopen_reason for h in bloc_year.history.order_by("history_date")]
    assert reasons[-1] == "Bổ sung điểm thẩm định của Sở Tư pháp"
    assert bloc_year.history.first().history_change_reason == "Bổ sung điểm thẩm định của Sở Tư pháp"


def test_the_head_cannot_reopen(client_for, head_a, world, year):
    year_close(bloc=world["bloc_a"], year=year, user=head_a)
    response = client_for(head_a).post(_url("year_reopen", world, year), {"reason": "Xin mở lại"})
    assert response.status_code == 403
    assert BlocYear.objects.get().is_closed


def test_reopen_service_refuses_an_empty_reason(world, year):
    user = UserFactory()
    year_close(bloc=world["bloc_a"], year=year, user=user)
    with pytest.raises(ValidationError):
        year_reopen(bloc=world["bloc_a"], year=year, user=user, reason="")


def test_overview_lists_the_years_work(client_for, secretary_a, world, year, scoring):
    response = client_for(secretary_a).get(_url("year", world, year))
    assert response.status_code == 200
    items = {str(i["label"]): (i["done"], str(i["detail"])) for i in response.context["checklist"]}
    assert items["Bảng chấm điểm"] == (True, scoring.name)
    assert items["Đơn vị đã tự chấm điểm"] == (False, "0/3")
    assert items["Khóa sổ năm"] == (False, "chưa khóa")


def test_overview_queries_are_bounded(client_for, viewer, world, year, scoring, django_assert_max_num_queries):
    client = client_for(viewer)
    with django_assert_max_num_queries(20):
        client.get(_url("year", world, year))
