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


def test_overview_counts_each_part_of_the_year(client_for, secretary_a, world, year, scoring, year_end_meeting):
    """Every count of the checklist, read in one query: only bloc A's members of the year count, each unit once."""
    from datetime import date

    from blocs.models import Pledge, PledgeSignature, Score, TitleRegistration
    from meetings.models import Ballot
    from units.models import AnnualRating, AwardType

    a1, a2, a3, b1 = world["unit_a1"], world["unit_a2"], world["unit_a3"], world["unit_b1"]
    pledge = Pledge.objects.create(bloc=world["bloc_a"], year=year, title="Giao ước", adopted_on=date(2025, 2, 20))
    for unit in (a1, a2, b1):  # b1 is not a member of bloc A: its signature does not count
        PledgeSignature.objects.create(pledge=pledge, unit=unit, signed_on=date(2025, 2, 20))
    award_type, other_type = AwardType.objects.order_by("order")[:2]
    # a1 registers two titles (one unit), b1 is in bloc B
    for bloc, unit, kind in ((world["bloc_a"], a1, award_type), (world["bloc_a"], a1, other_type),
                             (world["bloc_a"], a3, award_type), (world["bloc_b"], b1, award_type)):  # fmt: skip
        TitleRegistration.objects.create(
            bloc=bloc, unit=unit, year=year, award_type=kind, registered_on=date(2025, 1, 15)
        )
    criteria = list(scoring.criteria.exclude(kind="group").order_by("order")[:2])
    Score.objects.create(criterion=criteria[0], unit=a1, self_value=5, assessed_value=5)
    Score.objects.create(criterion=criteria[1], unit=a1, self_value=4)
    Score.objects.create(criterion=criteria[0], unit=a2, self_value=3)
    Score.objects.create(criterion=criteria[0], unit=b1, self_value=3, assessed_value=3)  # not a member
    AnnualRating.objects.create(unit=a1, year=year, rating="HTXSNV")
    AnnualRating.objects.create(unit=a2, year=year - 1, rating="HTXSNV")  # another year
    AnnualRating.objects.create(unit=b1, year=year, rating="HTXSNV")  # not a member
    for order in (1, 2):
        Ballot.objects.create(meeting=year_end_meeting, order=order, title=f"Phiếu {order}", award_type=award_type,
                              entitled=3, vote_base="present", threshold_num=1, threshold_den=2)  # fmt: skip

    response = client_for(secretary_a).get(_url("year", world, year))
    items = {str(i["label"]): (i["done"], str(i["detail"])) for i in response.context["checklist"]}
    assert items["Giao ước thi đua được ký kết"] == (True, "ngày 20/02/2025")
    assert items["Đơn vị ký giao ước"] == (False, "2/3")
    assert items["Đơn vị đăng ký danh hiệu"] == (False, "2/3")
    assert items["Bảng chấm điểm"] == (True, scoring.name)
    assert items["Đơn vị đã tự chấm điểm"] == (False, "2/3")
    assert items["Đơn vị đã được khối thẩm định điểm"] == (False, "1/3")
    assert items["Xếp loại mức độ hoàn thành nhiệm vụ"] == (False, "1/3")
    assert items["Hội nghị tổng kết, bình xét"] == (True, "1 hội nghị, 2 lần bỏ phiếu")

    Pledge.objects.filter(pk=pledge.pk).update(adopted_on=None)
    response = client_for(secretary_a).get(_url("year", world, year))
    items = {str(i["label"]): (i["done"], str(i["detail"])) for i in response.context["checklist"]}
    assert items["Giao ước thi đua được ký kết"] == (False, "đã soạn, chưa ghi ngày ký")


def test_overview_of_an_empty_year(client_for, secretary_a, world, year):
    response = client_for(secretary_a).get(_url("year", world, year))
    items = {str(i["label"]): (i["done"], str(i["detail"])) for i in response.context["checklist"]}
    assert items["Giao ước thi đua được ký kết"] == (False, "chưa có")
    assert items["Bảng chấm điểm"] == (False, "chưa có")
    assert items["Đơn vị đã tự chấm điểm"] == (False, "0/3")
    assert items["Hội nghị tổng kết, bình xét"] == (False, "chưa có")
