"""Who attended a meeting: one row per member unit, saved in one go; the quorum from the rule set,
as an exact fraction; a meeting below quorum is recorded, and its ballots are flagged invalid."""

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blocs.models import Membership
from meetings.models import Attendance
from meetings.services_meetings import AttendanceInput, attendance_save, attendance_state, meeting_quorum
from tests.factories import MembershipFactory, UnitFactory
from tests.meetings.test_meetings import bloc_with_members, counted_ballot, make_meeting, mark_attendance

YEAR = 2025


def url(meeting, name="attendance"):
    return reverse(f"meetings:{name}", kwargs={"meeting_pk": meeting.pk})


def post_data(rows, *, state="", **extra):
    """rows: (unit, present, name, title, note) in member order."""
    data = {"dh-TOTAL_FORMS": str(len(rows)), "dh-INITIAL_FORMS": str(len(rows)), "state": state, **extra}
    for index, (unit, present, name, title, note) in enumerate(rows):
        data[f"dh-{index}-unit"] = str(unit.pk)
        if present:
            data[f"dh-{index}-present"] = "on"
        data[f"dh-{index}-name"] = name
        data[f"dh-{index}-title"] = title
        data[f"dh-{index}-note"] = note
    return data


@pytest.fixture
def nine(world):
    """A nine-unit bloc (the demo's Tham mưu - Tổng hợp size) with its year-end meeting; rule set: 2/3 quorum."""
    bloc, units = bloc_with_members(9, name="Khối chín đơn vị")
    return make_meeting(bloc), units


def _inputs(units, present: int):
    return [AttendanceInput(unit_id=u.pk, present=i < present) for i, u in enumerate(units)]


# --- The page ------------------------------------------------------------------------------------


def test_page_lists_every_member_with_its_current_attendance(client_for, secretary_a, year_end_meeting, world):
    Attendance.objects.create(meeting=year_end_meeting, unit=world["unit_a2"], present=True,
                              represented_by="Hồ Thị Thanh Hà, Giám đốc Sở")  # fmt: skip
    response = client_for(secretary_a).get(url(year_end_meeting))
    lines = response.context["lines"]
    assert [
        (row.unit, form["present"].value(), form["name"].value(), form["title"].value()) for row, form in lines
    ] == [
        (world["unit_a1"], False, "", ""),
        (world["unit_a2"], True, "Hồ Thị Thanh Hà", "Giám đốc Sở"),
        (world["unit_a3"], False, "", ""),
    ]
    assert response.context["meetings_tab"] is True
    assert "Tất cả có mặt — lưu" in response.content.decode()


def test_saving_records_every_row_and_shows_the_quorum(client_for, secretary_a, year_end_meeting, world):
    client = client_for(secretary_a)
    data = post_data(
        [
            (world["unit_a1"], True, "Nguyễn Văn Hải", "Chánh Văn phòng", ""),
            (world["unit_a2"], True, "Hồ Thị  Thanh Hà", "", ""),
            (world["unit_a3"], False, "", "", "Đi công tác nước ngoài"),
        ]
    )
    response = client.post(url(year_end_meeting), data, follow=True)
    rows = {a.unit: (a.present, a.represented_by, a.note) for a in Attendance.objects.all()}
    assert rows == {
        world["unit_a1"]: (True, "Nguyễn Văn Hải, Chánh Văn phòng", ""),
        world["unit_a2"]: (True, "Hồ Thị Thanh Hà", ""),
        world["unit_a3"]: (False, "", "Đi công tác nước ngoài"),
    }
    assert [str(m) for m in response.context["messages"]] == [
        "Đã lưu thành phần dự họp. Có mặt 2/3 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên "
        "(tối thiểu 2): đủ số lượng."
    ]
    assert response.context["quorum"].met is True


def test_all_present_shortcut_ticks_everyone_and_keeps_typed_names(client_for, secretary_a, year_end_meeting, world):
    data = post_data(
        [
            (world["unit_a1"], False, "Nguyễn Văn Hải", "Chánh Văn phòng", ""),
            (world["unit_a2"], False, "", "", ""),
            (world["unit_a3"], False, "", "", ""),
        ],
        all_present="1",
    )
    response = client_for(secretary_a).post(url(year_end_meeting), data)
    assert response.status_code == 302
    assert sorted((a.unit.pk, a.present, a.represented_by) for a in Attendance.objects.all()) == sorted(
        [
            (world["unit_a1"].pk, True, "Nguyễn Văn Hải, Chánh Văn phòng"),
            (world["unit_a2"].pk, True, ""),
            (world["unit_a3"].pk, True, ""),
        ]
    )


def test_one_bad_row_saves_nothing(client_for, secretary_a, year_end_meeting, world):
    data = post_data(
        [
            (world["unit_a1"], True, "Nguyễn Văn Hải", "", ""),
            (world["unit_a2"], False, "Hồ Thị Thanh Hà", "", ""),  # absent, yet someone attended?
            (world["unit_a3"], True, "", "Giám đốc Sở", ""),  # a title without a name
        ]
    )
    response = client_for(secretary_a).post(url(year_end_meeting), data)
    forms = response.context["formset"].forms
    assert response.status_code == 200
    assert forms[1].errors["present"] == ["Đơn vị vắng mặt thì không ghi người dự: đánh dấu «Có mặt» hoặc xóa tên."]
    assert forms[2].errors["name"] == ["Ghi họ tên người dự (đã có chức vụ)."]
    assert Attendance.objects.count() == 0
    assert 'value="Nguyễn Văn Hải"' in response.content.decode()  # what was typed is still there


def test_the_service_writes_all_rows_or_none(year_end_meeting, world):
    rows = [
        AttendanceInput(unit_id=world["unit_a1"].pk, present=True, represented_by="Nguyễn Văn Hải"),
        AttendanceInput(unit_id=world["unit_a2"].pk, present=True),
        AttendanceInput(unit_id=world["unit_a3"].pk, present=True, represented_by="x" * 300),  # too long: refused
    ]
    with pytest.raises(ValidationError):
        attendance_save(meeting=year_end_meeting, rows=rows)
    assert Attendance.objects.count() == 0


def test_the_service_refuses_a_list_that_is_not_the_members(year_end_meeting, world):
    rows = [
        AttendanceInput(unit_id=world["unit_a1"].pk, present=True),
        AttendanceInput(unit_id=world["unit_b1"].pk, present=True),
    ]
    with pytest.raises(ValidationError) as exc:
        attendance_save(meeting=year_end_meeting, rows=rows)
    assert exc.value.code == "members_changed"
    assert Attendance.objects.count() == 0


def test_a_member_added_after_the_page_was_opened_is_not_lost(client_for, secretary_a, year_end_meeting, world):
    data = post_data([(world[u], True, "", "", "") for u in ("unit_a1", "unit_a2", "unit_a3")])
    MembershipFactory(bloc=world["bloc_a"], unit=UnitFactory(name="Sở Nội vụ"), year=YEAR)
    response = client_for(secretary_a).post(url(year_end_meeting), data, follow=True)
    assert Attendance.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "Danh sách thành viên của khối đã thay đổi từ khi mở trang: chưa lưu gì, hãy tải lại trang."
    ]


def test_a_concurrent_save_is_refused_and_shows_what_the_other_person_saved(
    client_for, secretary_a, head_a, year_end_meeting, world
):
    state = client_for(secretary_a).get(url(year_end_meeting)).context["state"]
    assert state == ""
    first = post_data(
        [
            (world["unit_a1"], True, "", "", ""),
            (world["unit_a2"], True, "", "", ""),
            (world["unit_a3"], False, "", "", "Ốm"),
        ],
        state=state,
    )
    assert client_for(head_a).post(url(year_end_meeting), first).status_code == 302
    second = post_data([(world[u], True, "", "", "") for u in ("unit_a1", "unit_a2", "unit_a3")], state=state)
    response = client_for(secretary_a).post(url(year_end_meeting), second)
    assert response.status_code == 200
    assert "vừa được người khác lưu" in response.context["conflict"]
    assert "Sở Tư pháp: vắng (Ốm)" in response.context["conflict"]
    assert Attendance.objects.get(unit=world["unit_a3"]).present is False
    # the page now carries the new state: saving again is a deliberate overwrite
    again = post_data(
        [(world[u], True, "", "", "") for u in ("unit_a1", "unit_a2", "unit_a3")], state=response.context["state"]
    )
    assert client_for(secretary_a).post(url(year_end_meeting), again).status_code == 302
    assert Attendance.objects.get(unit=world["unit_a3"]).present is True


def test_state_is_a_fingerprint_of_the_rows(year_end_meeting, world):
    a = Attendance(meeting=year_end_meeting, unit=world["unit_a1"], present=True, represented_by="A")
    b = Attendance(meeting=year_end_meeting, unit=world["unit_a1"], present=False, represented_by="A")
    assert attendance_state([]) == ""
    assert attendance_state([a]) != attendance_state([b])
    assert len(attendance_state([a])) == 16


def test_viewers_and_officers_read_but_may_not_save(client_for, viewer, officer_a, year_end_meeting, world):
    data = post_data([(world[u], True, "", "", "") for u in ("unit_a1", "unit_a2", "unit_a3")])
    for user in (viewer, officer_a):
        client = client_for(user)
        page = client.get(url(year_end_meeting))
        assert page.status_code == 200
        assert '<form method="post" novalidate>' not in page.content.decode()
        assert client.post(url(year_end_meeting), data).status_code == 403
    assert Attendance.objects.count() == 0


# --- Quorum --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("present", "met"), [(9, True), (7, True), (6, True), (5, False), (0, False)])
def test_two_thirds_of_nine_is_six_exactly(present, met, nine):
    meeting, units = nine
    quorum = attendance_save(meeting=meeting, rows=_inputs(units, present))
    assert (quorum.present, quorum.members, quorum.required, quorum.met) == (present, 9, 6, met)
    assert (Fraction(present, 9) >= Fraction(2, 3)) is met  # 6/9 is exactly 2/3, not 0.666… < 0.67


def test_quorum_is_unknown_until_attendance_is_taken(nine):
    meeting, _units = nine
    quorum = meeting_quorum(meeting)
    assert (quorum.recorded, quorum.present, quorum.met) == (False, None, False)
    assert quorum.text == "Chưa ghi danh sách dự họp."


def test_quorum_follows_the_rule_set(nine, world):
    meeting, units = nine
    rule_set = world["rule_set"]
    rule_set.quorum_num, rule_set.quorum_den = 1, 2  # more than half? "từ 50% trở lên": 5 of 9 (4.5 rounds up)
    rule_set.save()
    quorum = attendance_save(meeting=meeting, rows=_inputs(units, 5))
    assert (quorum.required, quorum.met) == (5, True)
    assert quorum.text == (
        "Có mặt 5/9 đơn vị thành viên; quy chế yêu cầu từ 50% tổng số thành viên trở lên (tối thiểu 5): đủ số lượng."
    )


def test_a_meeting_below_quorum_is_recorded_and_its_ballots_are_flagged_invalid(client_for, secretary_a, nine, world):
    meeting, units = nine
    secretary_a.roles.create(kind="bloc_secretary", bloc=meeting.bloc)
    data = post_data([(u, i < 5, "", "", "" if i < 5 else "Bận việc đột xuất") for i, u in enumerate(units)])
    response = client_for(secretary_a).post(url(meeting), data, follow=True)
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 5
    assert [str(m) for m in response.context["messages"]] == [
        "Đã lưu thành phần dự họp. Có mặt 5/9 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên "
        "(tối thiểu 6): không đủ số lượng, các phiếu bầu tại hội nghị không hợp lệ."
    ]
    ballot = counted_ballot(meeting, units[:2])
    html = client_for(secretary_a).get(url(meeting, "detail")).content.decode()
    assert (
        "Hội nghị không đủ số lượng thành viên dự họp tối thiểu: kết quả các phiếu bầu dưới đây không có giá trị."
        in html
    )
    assert "Phiếu không hợp lệ:" in html
    assert ballot.title in html


def test_only_current_members_count_towards_the_quorum(nine):
    meeting, units = nine
    mark_attendance(meeting, units, present=6)
    Membership.objects.filter(bloc=meeting.bloc, unit=units[0], year=YEAR).delete()  # left the bloc
    quorum = meeting_quorum(meeting)
    assert (quorum.present, quorum.members, quorum.required, quorum.met) == (5, 8, 6, False)
