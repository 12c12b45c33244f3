"""Registry pages as users meet them: edits, conflicts, history, the year selector, query counts."""

import pytest
from django.urls import reverse

from blocs.models import MemberRole
from tests.factories import BlocFactory, MembershipFactory, UnitFactory


def _unit_form(unit, **changes):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "kind": unit.kind,
        "leader_name": unit.leader_name,
        "leader_title": unit.leader_title,
        "address": unit.address,
        "note": unit.note,
        "active": "on",
        "version": unit.version,
    }
    return {**data, **changes}


def test_second_editor_is_refused_and_keeps_what_they_typed(client_for, board, reviewer, world):
    unit = world["unit_a2"]
    url = reverse("blocs:unit_update", args=[unit.pk])
    first = client_for(board).post(url, _unit_form(unit, short_name="STC"))
    assert first.status_code == 302
    second = client_for(reviewer).post(url, _unit_form(unit, short_name="Sở TC"))
    assert second.status_code == 200
    page = second.content.decode()
    assert "vừa được người khác lưu trong lúc bạn đang sửa" in page
    assert "Tên viết tắt: «STC»" in page
    assert 'value="Sở TC"' in page  # what the second person typed is still in the form
    unit.refresh_from_db()
    assert (unit.short_name, unit.version) == ("STC", 2)
    # Saving again, now knowingly, goes through.
    third = client_for(reviewer).post(url, _unit_form(unit, short_name="Sở TC"))
    assert third.status_code == 302
    unit.refresh_from_db()
    assert (unit.short_name, unit.version) == ("Sở TC", 3)


def test_unit_page_shows_who_changed_what(client_for, board, viewer, world):
    unit = world["unit_a2"]
    client_for(board).post(reverse("blocs:unit_update", args=[unit.pk]), _unit_form(unit, short_name="STC"))
    page = client_for(viewer).get(reverse("blocs:unit_detail", args=[unit.pk])).content.decode()
    assert "Lịch sử thay đổi" in page
    assert "Tên viết tắt" in page
    assert board.full_name in page


def test_bloc_page_shows_membership_changes(client_for, board, world, year):
    membership = world["unit_a3"].memberships.get(year=year)
    client_for(board).post(
        reverse("blocs:membership_change", args=[membership.pk]), {"role": "member", "note": "Ghi chú", "version": 1}
    )
    response = client_for(board).get(reverse("blocs:detail", args=[world["bloc_a"].pk]), {"nam": year})
    events = response.context["membership_history"]
    assert [(e.action, e.unit, e.who) for e in events[:1]] == [("Sửa", "Sở Tư pháp", board.full_name)]


def test_bloc_detail_lists_members_head_first(client_for, viewer, world, year):
    response = client_for(viewer).get(reverse("blocs:detail", args=[world["bloc_a"].pk]), {"nam": year})
    members = [(m.unit.name, m.role) for m in response.context["members"]]
    assert members == [
        ("Văn phòng UBND tỉnh", MemberRole.HEAD),
        ("Sở Tài chính", MemberRole.DEPUTY),
        ("Sở Tư pháp", MemberRole.MEMBER),
    ]


def test_bloc_list_shows_head_deputy_and_count(client_for, viewer, world, year):
    response = client_for(viewer).get(reverse("blocs:list"), {"nam": year})
    rows = {b.name: (str(b.head), str(b.deputy), b.member_count) for b in response.context["object_list"]}
    assert rows == {
        "Khối các cơ quan Tham mưu - Tổng hợp": ("Văn phòng UBND tỉnh", "Sở Tài chính", 3),
        "Khối các cơ quan Đảng": ("Ban Tuyên giáo Tỉnh ủy", "None", 2),
    }


def test_year_selector_persists_across_pages(client_for, viewer, world):
    client = client_for(viewer)
    response = client.post(reverse("blocs:set_year"), {"year": "2024", "next": "/khoi/?nam=2025&q=x"})
    assert response.url == "/khoi/?q=x"
    assert client.get(reverse("blocs:list")).context["year"] == 2024
    assert client.get(reverse("blocs:unit_list")).context["year"] == 2024
    assert client.get(reverse("home")).context["selected_year"] == 2024


def test_year_selector_refuses_foreign_redirects(client_for, viewer, world):
    response = client_for(viewer).post(reverse("blocs:set_year"), {"year": "2024", "next": "https://evil.example/"})
    assert response.url == "/"


def test_language_switch_to_english(client_for, viewer, world):
    client = client_for(viewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("blocs:list")).content.decode()
    assert '<html lang="en">' in page


def _grow(world, year, n):
    for i in range(n):
        bloc = BlocFactory(name=f"Cụm thi đua số {i}", code=f"cum-{i}")
        MembershipFactory(bloc=bloc, unit=UnitFactory(name=f"Xã số {i}", code=f"xa-{i}"), year=year, role="head")
        MembershipFactory(bloc=bloc, unit=UnitFactory(name=f"Phường số {i}", code=f"p-{i}"), year=year)


@pytest.mark.parametrize("name", ["blocs:list", "blocs:unit_list", "home"])
def test_list_pages_run_the_same_queries_for_1_row_and_30(
    name, client_for, viewer, world, year, django_assert_num_queries
):
    client = client_for(viewer)
    client.get(reverse(name), {"nam": year})  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse(name), {"nam": year})
    _grow(world, year, 30)
    with django_assert_num_queries(len(small)):
        client.get(reverse(name), {"nam": year})


def test_bloc_detail_queries_are_bounded(client_for, viewer, world, year, django_assert_max_num_queries):
    bloc = world["bloc_a"]
    for i in range(30):
        MembershipFactory(bloc=bloc, unit=UnitFactory(name=f"Đơn vị {i}", code=f"x{i}"), year=year)
        MembershipFactory(bloc=bloc, unit=UnitFactory(name=f"Đơn vị cũ {i}", code=f"y{i}"), year=year - 1)
    client = client_for(viewer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("blocs:detail", args=[bloc.pk]), {"nam": year})
    assert len(response.context["members"]) == 33


def test_vietnamese_by_default_whatever_the_browser_language(client_for, viewer, world):
    page = client_for(viewer).get(reverse("blocs:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page
