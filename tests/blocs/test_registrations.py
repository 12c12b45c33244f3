"""Title registrations of a year: the members × award types matrix, who may register for which unit,
replacing a unit's set in one go, htmx row swaps, conflicts, closed years, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blocs.models import TitleRegistration
from blocs.services_pledges import registration_state
from blocs.services_year import year_close
from tests.factories import AwardTypeFactory, MembershipFactory, UnitFactory
from units.models import AwardType

YEAR = 2025


def url(name, bloc, year=YEAR):
    return reverse(f"blocs:{name}", kwargs={"pk": bloc.pk, "year": year})


@pytest.fixture
def awards(db):
    return {a.code: a for a in AwardType.objects.all()}


def register(bloc, unit, *award_types, day=datetime.date(2025, 2, 10)):
    for award in award_types:
        TitleRegistration.objects.create(bloc=bloc, unit=unit, year=YEAR, award_type=award, registered_on=day)


def registered(unit):
    return sorted(unit.registrations.filter(year=YEAR).values_list("award_type__code", "registered_on"))


def test_matrix_lists_titles_first_and_who_has_not_registered(client_for, secretary_a, world, awards):
    AwardTypeFactory(code="cu", name="Hình thức đã bỏ", active=False)
    register(world["bloc_a"], world["unit_a2"], awards["ttldxs"], awards["co-ubnd-tinh"])

    response = client_for(secretary_a).get(url("registrations", world["bloc_a"]))

    assert response.status_code == 200
    assert [a.code for a in response.context["award_types"]] == [
        "co-ubnd-tinh",
        "ttldxs",
        "ttldtt",
        "co-chinh-phu",
        "bk-thu-tuong",
        "bk-chu-tich-tinh",
    ]
    rows = {row["unit"].code: sorted(row["registered"]) for row in response.context["rows"]}
    assert rows == {"vp-ubnd": [], "stc": sorted([awards["ttldxs"].pk, awards["co-ubnd-tinh"].pk]), "stp": []}
    assert [u.code for u in response.context["not_registered"]] == ["vp-ubnd", "stp"]
    page = response.content.decode()
    assert "1/3 đơn vị đã đăng ký" in page
    assert "2 đơn vị chưa đăng ký:" in page
    assert "Hình thức đã bỏ" not in page


def test_officer_registers_for_their_own_unit_only(client_for, officer_a, world, awards):
    client = client_for(officer_a)
    page = client.get(url("registrations", world["bloc_a"]))
    assert [row["unit"].code for row in page.context["rows"] if row["can_act"]] == ["stp"]

    ok = client.post(
        url("registration_save", world["bloc_a"]),
        {"unit": world["unit_a3"].pk, "award_types": [awards["ttldxs"].pk], "registered_on": "2025-02-15", "state": ""},
    )
    refused = client.post(
        url("registration_save", world["bloc_a"]),
        {"unit": world["unit_a1"].pk, "award_types": [awards["ttldxs"].pk], "state": ""},
    )

    assert (ok.status_code, refused.status_code) == (302, 403)
    assert registered(world["unit_a3"]) == [("ttldxs", datetime.date(2025, 2, 15))]
    assert registered(world["unit_a1"]) == []


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("secretary_b", 404), ("secretary_a", 302)])
def test_who_may_register_for_a_unit(client_for, personas, world, awards, persona, status):
    response = client_for(personas[persona]).post(
        url("registration_save", world["bloc_a"]),
        {"unit": world["unit_a2"].pk, "award_types": [awards["ttldtt"].pk], "state": ""},
    )
    assert response.status_code == status
    assert len(registered(world["unit_a2"])) == (1 if status == 302 else 0)


def test_saving_replaces_the_units_set_and_keeps_dates_of_kept_titles(client_for, board, world, awards):
    unit = world["unit_a2"]
    register(world["bloc_a"], unit, awards["ttldxs"], awards["co-ubnd-tinh"])
    state = registration_state([awards["ttldxs"].pk, awards["co-ubnd-tinh"].pk])

    response = client_for(board).post(
        url("registration_save", world["bloc_a"]),
        {"unit": unit.pk, "award_types": [awards["ttldxs"].pk, awards["bk-chu-tich-tinh"].pk], "state": state},
    )

    assert response.status_code == 302
    assert response.url == url("registrations", world["bloc_a"]) + f"#reg-row-{unit.pk}"
    today = timezone.localdate()
    assert registered(unit) == sorted([("bk-chu-tich-tinh", today), ("ttldxs", datetime.date(2025, 2, 10))])


def test_unticking_everything_clears_the_unit(client_for, board, world, awards):
    unit = world["unit_a2"]
    register(world["bloc_a"], unit, awards["ttldxs"])
    client_for(board).post(
        url("registration_save", world["bloc_a"]), {"unit": unit.pk, "state": str(awards["ttldxs"].pk)}
    )
    assert registered(unit) == []


def test_htmx_swaps_the_row_and_announces_the_change(client_for, secretary_a, world, awards):
    unit = world["unit_a3"]
    response = client_for(secretary_a).post(
        url("registration_save", world["bloc_a"]),
        {"unit": unit.pk, "award_types": [awards["ttldtt"].pk], "registered_on": "2025-01-20", "state": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "registrations-changed"
    html = response.content.decode().strip()
    assert html.startswith(f'<tr id="reg-row-{unit.pk}"')
    assert html.endswith("</tr>")
    assert "Đã lưu." in html
    assert (
        f'value="{awards["ttldtt"].pk}" form="reg-form-{unit.pk}" id="reg-{unit.pk}-{awards["ttldtt"].pk}" checked'
        in html
    )
    assert f'name="state" value="{awards["ttldtt"].pk}"' in html
    assert registered(unit) == [("ttldtt", datetime.date(2025, 1, 20))]


def test_a_change_made_meanwhile_is_not_overwritten_unseen(client_for, board, secretary_a, world, awards):
    unit = world["unit_a2"]
    save = url("registration_save", world["bloc_a"])
    client_for(board).post(save, {"unit": unit.pk, "award_types": [awards["co-ubnd-tinh"].pk], "state": ""})

    second = client_for(secretary_a).post(save, {"unit": unit.pk, "award_types": [awards["ttldtt"].pk], "state": ""})

    assert second.status_code == 200
    row = next(r for r in second.context["rows"] if r["unit"] == unit)
    assert row["errors"] == [
        "Đăng ký của Sở Tài chính vừa được người khác thay đổi; hiện đã đăng ký: Cờ thi đua của UBND tỉnh. "
        "Chưa có gì được ghi; bấm Lưu lần nữa nếu vẫn muốn thay đổi."
    ]
    assert row["checked"] == {awards["ttldtt"].pk}  # what they ticked is kept
    assert row["state"] == str(awards["co-ubnd-tinh"].pk)  # a second save is a deliberate choice
    assert [code for code, _day in registered(unit)] == ["co-ubnd-tinh"]
    again = client_for(secretary_a).post(
        save, {"unit": unit.pk, "award_types": [awards["ttldtt"].pk], "state": row["state"]}
    )
    assert again.status_code == 302
    assert [code for code, _day in registered(unit)] == ["ttldtt"]


def test_bad_date_is_reported_in_the_row(client_for, board, world, awards):
    response = client_for(board).post(
        url("registration_save", world["bloc_a"]),
        {"unit": world["unit_a2"].pk, "award_types": [awards["ttldtt"].pk], "registered_on": "31/02/2025", "state": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "HX-Trigger" not in response.headers
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    assert registered(world["unit_a2"]) == []


def test_unknown_or_inactive_award_type_is_refused(client_for, board, world):
    old = AwardTypeFactory(code="cu", name="Hình thức đã bỏ", active=False)
    response = client_for(board).post(
        url("registration_save", world["bloc_a"]), {"unit": world["unit_a2"].pk, "award_types": [old.pk], "state": ""}
    )
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["unit"] == world["unit_a2"])
    assert len(row["errors"]) == 1
    assert registered(world["unit_a2"]) == []


def test_closed_year_refuses_registrations(client_for, board, secretary_a, officer_a, world, awards):
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    for user, unit in ((board, world["unit_a1"]), (secretary_a, world["unit_a2"]), (officer_a, world["unit_a3"])):
        response = client_for(user).post(
            url("registration_save", world["bloc_a"]),
            {"unit": unit.pk, "award_types": [awards["ttldtt"].pk], "state": ""},
        )
        assert response.status_code == 403
    page = client_for(board).get(url("registrations", world["bloc_a"]))
    assert [row["can_act"] for row in page.context["rows"]] == [False, False, False]
    assert "Năm đã khóa sổ: đăng ký chỉ xem." in page.content.decode()
    assert TitleRegistration.objects.count() == 0


@pytest.mark.parametrize("persona", ["secretary_a", "officer_a", "board"])
def test_matrix_queries_do_not_grow_with_members(client_for, personas, world, awards, persona):
    bloc = world["bloc_a"]
    register(bloc, world["unit_a2"], awards["ttldxs"])
    client = client_for(personas[persona])
    client.get(url("registrations", bloc))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("registrations", bloc)).status_code == 200
    for i in range(27):
        unit = UnitFactory(name=f"Đơn vị thêm {i}")
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR)
        register(bloc, unit, awards["ttldxs"], awards["co-ubnd-tinh"])
    with CaptureQueriesContext(connection) as large:
        response = client.get(url("registrations", bloc))
    assert len(response.context["rows"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


def test_summary_alone_refreshes_after_a_row_is_saved(client_for, viewer, world, awards):
    register(world["bloc_a"], world["unit_a1"], awards["ttldxs"])
    response = client_for(viewer).get(
        url("registrations", world["bloc_a"]), headers={"HX-Request": "true", "HX-Target": "reg-summary"}
    )
    html = response.content.decode().strip()
    assert html.startswith('<div id="reg-summary"')
    assert html.endswith("</div>")
    assert "1/3 đơn vị đã đăng ký" in html
    assert "2 đơn vị chưa đăng ký:" in html
