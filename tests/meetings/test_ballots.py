"""Ballots at a meeting: created under a copy of the year's rule and quota, counts checked (impossible
ones refused with nothing saved), results on the rule's base, elections written into next year's
membership, closed years read-only, bounded queries."""

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from blocs.models import AwardRule, BlocYear, MemberRole, Membership, RoleKind, RuleSet
from blocs.services_year import year_close
from meetings import services_ballots as svc
from meetings.models import Attendance, Ballot, BallotCandidate, Meeting
from tests.factories import BlocFactory, MembershipFactory, RoleFactory, UnitFactory, UserFactory
from tests.meetings import counts_post
from tests.test_access import CASES, access_world  # noqa: F401  (the fixture is used by name)
from units.models import AwardType

YEAR = 2025
# Nine member units, listed in Vietnamese order (Đ after D, before S).
NINE = [
    "Đài Phát thanh và Truyền hình tỉnh",
    "Sở Công Thương",
    "Sở Dân tộc và Tôn giáo",
    "Sở Giáo dục và Đào tạo",
    "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Xây dựng",
    "Sở Y tế",
]


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


@pytest.fixture
def rules(world):
    """The 2025 rule set (70% of the members entitled, quorum 2/3) with the default award quotas."""
    rule_set = world["rule_set"]
    rule_set.name = "Quy chế tổ chức và hoạt động của cụm, khối thi đua"
    rule_set.issued_by = "Quyết định số 354/QĐ-UBND ngày 12/3/2018 của UBND tỉnh"
    rule_set.legal_basis = "Luật Thi đua, khen thưởng số 06/2022/QH15\nNghị định số 152/2025/NĐ-CP"
    rule_set.save()
    AwardRule.objects.create(rule_set=rule_set, award_type=award("co-ubnd-tinh"), quota_count=1, citation="Điều 26")
    AwardRule.objects.create(
        rule_set=rule_set, award_type=award("ttldxs"), quota_percent=Decimal(20), quota_base="members"
    )
    AwardRule.objects.create(
        rule_set=rule_set, award_type=award("bk-chu-tich-tinh"), quota_percent=Decimal(50), quota_base="remaining"
    )
    AwardRule.objects.create(
        rule_set=rule_set, award_type=award("co-chinh-phu"), quota_percent=Decimal(20), quota_base="bloc_leaders"
    )
    return rule_set


@pytest.fixture
def nine(world, rules):
    """A nine-unit bloc in 2025 (the first unit head, the second deputy), its year-end meeting and secretary."""
    bloc = BlocFactory(name="Khối các sở quản lý ngành", code="nganh")
    units = [UnitFactory(name=name) for name in reversed(NINE)]  # created out of order on purpose
    units.sort(key=lambda u: u.sort_key)
    roles = [MemberRole.HEAD, MemberRole.DEPUTY] + [MemberRole.MEMBER] * 7
    for unit, role in zip(units, roles, strict=True):
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR, role=role)
    meeting = Meeting.objects.create(
        bloc=bloc,
        year=YEAR,
        kind="year_end",
        title="Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025",
        held_at=datetime(2025, 12, 28, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Hội trường Sở Y tế",
        chair="Ông Lê Văn C",
        secretary="Bà Phạm Thị D",
    )
    secretary = UserFactory(username="thuky_nganh")
    RoleFactory(user=secretary, kind=RoleKind.BLOC_SECRETARY, bloc=bloc)
    return SimpleNamespace(bloc=bloc, units=units, meeting=meeting, secretary=secretary)


def attend(meeting, units, present: int):
    """Record the attendance: the first `present` units present, the others absent."""
    for index, unit in enumerate(units):
        Attendance.objects.create(meeting=meeting, unit=unit, present=index < present)


def count(ballot, votes, *, entitled=9, issued=9, returned=9, valid=9):
    return svc.ballot_record_counts(
        ballot=ballot,
        entitled=entitled,
        issued=issued,
        returned=returned,
        valid=valid,
        votes=dict(zip([c.unit_id for c in ballot.candidates.all()], votes, strict=True)),
        expected_version=Ballot.objects.get(pk=ballot.pk).version,
    )


def rows_written() -> int:
    """Every row of the meetings and blocs apps and every history row: nothing may change on a refusal."""
    models = [m for m in apps.get_models() if m._meta.app_label in ("meetings", "blocs")]
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return sum(m.objects.count() for m in {*models, *historical})


def snapshot(ballot) -> tuple:
    fresh = Ballot.objects.get(pk=ballot.pk)
    votes = list(BallotCandidate.objects.filter(ballot=ballot).order_by("pk").values_list("unit_id", "votes"))
    return (fresh.entitled, fresh.issued, fresh.returned, fresh.valid, fresh.version, votes)


def counts_url(ballot):
    return reverse("meetings:ballot_counts", kwargs={"meeting_pk": ballot.meeting_id, "ballot_pk": ballot.pk})


# --- Creating a ballot ---------------------------------------------------------------------------


def test_ballot_copies_the_years_rule_and_quota(nine, rules):
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award("ttldxs"), title="", seats=1, candidates=nine.units
    )
    assert (ballot.title, ballot.seats, ballot.entitled) == ("Bình xét đề nghị tặng Tập thể lao động xuất sắc", 1, 9)
    assert (ballot.vote_base, ballot.threshold_num, ballot.threshold_den, ballot.threshold_strict) == (
        "entitled",
        70,
        100,
        False,
    )
    assert ballot.rule_citation == (
        "Quy chế tổ chức và hoạt động của cụm, khối thi đua (Quyết định số 354/QĐ-UBND ngày 12/3/2018 của UBND "
        "tỉnh); Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 152/2025/NĐ-CP"
    )
    assert (ballot.quota_limit, ballot.quota_text) == (1, "tối đa 20% tổng số đơn vị thành viên của khối (9): 1 đơn vị")
    assert [c.unit.name for c in ballot.candidates.order_by("order")] == NINE
    # Editing the rule set later does not change the ballot's rule.
    rules.vote_threshold_num, rules.vote_threshold_den = 1, 2
    rules.save()
    ballot.refresh_from_db()
    assert (ballot.threshold_num, ballot.threshold_den) == (70, 100)


@pytest.mark.parametrize(
    ("code", "seats", "limit", "text"),
    [
        ("co-ubnd-tinh", 1, 1, "tối đa 1 đơn vị mỗi khối: 1 đơn vị"),
        ("bk-chu-tich-tinh", 4, 4, "tối đa 50% số đơn vị còn lại (trừ đơn vị dẫn đầu) (8): 4 đơn vị"),
        ("bk-thu-tuong", 3, None, ""),
    ],
)
def test_quota_on_each_base(nine, code, seats, limit, text):
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award(code), title="", seats=seats, candidates=nine.units
    )
    assert (ballot.quota_limit, ballot.quota_text) == (limit, text)


def test_quota_on_the_provinces_bloc_leaders_rounds_down_to_none(nine, rules):
    # Three blocs with members in 2025 (A, B and the nine-unit bloc): 20% of 3 is 0,6 — no proposal.
    with pytest.raises(ValidationError) as excinfo:
        svc.ballot_create(
            meeting=nine.meeting, purpose="award", award_type=award("co-chinh-phu"), title="", seats=1,
            candidates=nine.units[:1],
        )  # fmt: skip
    assert excinfo.value.message_dict == {
        "seats": [
            "Theo quy chế, khối được đề nghị tối đa 20% số đơn vị dẫn đầu các khối toàn tỉnh (3): 0 đơn vị; "
            "số được chọn không được vượt chỉ tiêu."
        ]
    }


def test_seats_beyond_the_quota_are_refused(nine):
    with pytest.raises(ValidationError) as excinfo:
        svc.ballot_create(
            meeting=nine.meeting, purpose="award", award_type=award("ttldxs"), title="", seats=2, candidates=nine.units
        )
    assert excinfo.value.message_dict == {
        "seats": [
            "Theo quy chế, khối được đề nghị tối đa 20% tổng số đơn vị thành viên của khối (9): 1 đơn vị; "
            "số được chọn không được vượt chỉ tiêu."
        ]
    }
    assert Ballot.objects.count() == 0


def test_what_a_ballot_needs(nine, world):
    with pytest.raises(ValidationError) as excinfo:
        svc.ballot_create(
            meeting=nine.meeting, purpose="award", award_type=None, title="", seats=1, candidates=[world["unit_a1"]]
        )
    assert excinfo.value.message_dict == {
        "award_type": ["Phiếu bình xét khen thưởng phải ghi hình thức khen thưởng."],
        "candidates": ["Không phải thành viên của khối năm 2025: Văn phòng UBND tỉnh."],
    }
    with pytest.raises(ValidationError) as excinfo:
        svc.ballot_create(meeting=nine.meeting, purpose="other", award_type=None, title=" ", seats=1, candidates=[])
    assert excinfo.value.message_dict == {
        "candidates": ["Chọn ít nhất một đơn vị được bỏ phiếu."],
        "title": ["Nhập nội dung bỏ phiếu."],
    }
    assert Ballot.objects.count() == 0


def test_no_rule_set_no_ballot(nine):
    RuleSet.objects.all().delete()
    with pytest.raises(ValidationError) as excinfo:
        svc.ballot_create(meeting=nine.meeting, purpose="head", award_type=None, title="", seats=1,
                          candidates=nine.units[:1])  # fmt: skip
    assert excinfo.value.messages == [
        "Năm 2025 chưa có quy chế: Ban Thi đua - Khen thưởng cần tạo quy chế trước khi bỏ phiếu."
    ]


def test_an_election_chooses_one_unit(nine):
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="deputy", award_type=award("ttldxs"), title="", seats=3,
        candidates=nine.units[2:4],
    )  # fmt: skip
    assert (ballot.title, ballot.seats, ballot.award_type, ballot.quota_limit) == (
        "Bầu đơn vị khối phó năm 2026",
        1,
        None,
        None,
    )


def test_add_page_shows_the_rule_and_quotas_and_creates_the_ballot(nine, client_for):
    client = client_for(nine.secretary)
    url = reverse("meetings:ballot_add", kwargs={"meeting_pk": nine.meeting.pk})
    page = client.get(url).content.decode()
    assert "Đơn vị đạt khi số phiếu từ 70% tổng số thành viên có quyền bỏ phiếu trở lên" in page
    assert "Tập thể lao động xuất sắc: tối đa 20% tổng số đơn vị thành viên của khối (9): 1 đơn vị" in page
    assert page.index(NINE[0]) < page.index(NINE[1]) < page.index(NINE[8])  # candidates in Vietnamese order
    response = client.post(
        url,
        {"purpose": "award", "award_type": award("co-ubnd-tinh").pk, "title": "", "seats": "1",
         "candidates": [u.pk for u in nine.units]},
    )  # fmt: skip
    ballot = Ballot.objects.get()
    assert response.status_code == 302
    assert response.url == f"/hoi-nghi/{nine.meeting.pk}/#phieu-{ballot.pk}"
    assert ballot.title == "Bình xét đề nghị tặng Cờ thi đua của UBND tỉnh"


def test_add_page_puts_the_service_errors_by_their_fields(nine, client_for):
    url = reverse("meetings:ballot_add", kwargs={"meeting_pk": nine.meeting.pk})
    response = client_for(nine.secretary).post(
        url, {"purpose": "award", "award_type": "", "title": "", "seats": "2", "candidates": [nine.units[0].pk]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "award_type": ["Phiếu bình xét khen thưởng phải ghi hình thức khen thưởng."],
    }
    assert Ballot.objects.count() == 0


# --- Counts --------------------------------------------------------------------------------------


@pytest.fixture
def flag_ballot(nine):
    """The provincial flag ballot of the nine-unit bloc's year-end meeting, all nine present."""
    attend(nine.meeting, nine.units, present=9)
    return svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award("co-ubnd-tinh"), title="", seats=1,
        candidates=nine.units[:3],
    )  # fmt: skip


def test_counts_give_the_result_on_the_rules_base(flag_ballot, nine):
    count(flag_ballot, [7, 2, 0])
    result = svc.ballot_result(Ballot.objects.get(pk=flag_ballot.pk))
    assert result.valid is True
    assert [(r.share_text, r.passed, r.chosen) for r in result.rows] == [
        ("7/9 (77,8%)", True, True),
        ("2/9 (22,2%)", False, False),
        ("0/9 (0%)", False, False),
    ]
    assert result.rule_text == "Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (9): từ 70% trở lên"
    assert result.quota_message == "Số đơn vị được chọn: 1, trong chỉ tiêu (tối đa 1)."


def test_six_of_nine_fails_and_seven_passes(nine):
    attend(nine.meeting, nine.units, present=9)
    ballot = svc.ballot_create(meeting=nine.meeting, purpose="other", award_type=None, title="Biểu quyết", seats=2,
                               candidates=nine.units[:3])  # fmt: skip
    ballot = count(ballot, [7, 6, 2])
    result = svc.ballot_result(ballot)
    assert [(r.share_text, r.passed, r.chosen) for r in result.rows] == [
        ("7/9 (77,8%)", True, True),
        ("6/9 (66,7%)", False, False),
        ("2/9 (22,2%)", False, False),
    ]


def test_counts_page_saves_and_returns_to_the_meeting(flag_ballot, nine, client_for):
    units = nine.units[:3]
    data = counts_post(flag_ballot, entitled=9, issued=9, returned=9, valid=8,
                       votes={units[0].pk: 7, units[1].pk: 1, units[2].pk: None})  # fmt: skip
    response = client_for(nine.secretary).post(counts_url(flag_ballot), data)
    assert response.status_code == 302
    assert response.url == f"/hoi-nghi/{nine.meeting.pk}/#phieu-{flag_ballot.pk}"
    assert snapshot(flag_ballot) == (9, 9, 9, 8, 2, [(units[0].pk, 7), (units[1].pk, 1), (units[2].pk, None)])
    assert Ballot.history.filter(id=flag_ballot.pk).count() == 2


def test_impossible_counts_come_back_with_every_problem_and_nothing_saved(flag_ballot, nine, client_for):
    units = nine.units[:3]
    client = client_for(nine.secretary)  # signing in writes last_login (and its history): before counting
    before_rows, before = rows_written(), snapshot(flag_ballot)
    data = counts_post(flag_ballot, entitled=9, issued=10, returned=11, valid=8,
                       votes={units[0].pk: 9, units[1].pk: 1, units[2].pk: 0})  # fmt: skip
    response = client.post(counts_url(flag_ballot), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "issued": [
            "Số phiếu phát ra (10) lớn hơn số thành viên có quyền bỏ phiếu (9).",
            "Số phiếu phát ra (10) lớn hơn số thành viên có mặt (9) theo danh sách dự họp.",
        ],
        "returned": ["Số phiếu thu về (11) lớn hơn số phiếu phát ra (10)."],
        f"votes_{units[0].pk}": [f"Số phiếu bầu cho {units[0].name} (9) lớn hơn số phiếu hợp lệ (8)."],
    }
    assert form.total_errors == [
        "Tổng số phiếu bầu cho các đơn vị (10) lớn hơn số phiếu hợp lệ × số được chọn tối đa (8 × 1 = 8): "
        "mỗi phiếu chỉ được chọn tối đa 1 đơn vị."
    ]
    page = response.content.decode()
    assert "Chưa lưu gì: số liệu chưa hợp lý" in page
    assert f"Số phiếu bầu cho {units[0].name} (9) lớn hơn số phiếu hợp lệ (8)." in page
    assert (rows_written(), snapshot(flag_ballot)) == (before_rows, before)


def test_negative_or_blank_entitled_is_refused_by_the_form(flag_ballot, nine, client_for):
    units = nine.units[:3]
    data = counts_post(flag_ballot, entitled=None, issued=-1, returned=None, valid=None,
                       votes={units[0].pk: None, units[1].pk: None, units[2].pk: None})  # fmt: skip
    response = client_for(nine.secretary).post(counts_url(flag_ballot), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "entitled": ["Nhập số thành viên có quyền bỏ phiếu."],
        "issued": ["Không được là số âm."],
    }


def test_version_conflict_refuses_and_shows_what_the_other_person_saved(flag_ballot, nine, client_for):
    units = nine.units[:3]
    stale = counts_post(flag_ballot, entitled=9, issued=9, returned=9, valid=9,
                        votes={units[0].pk: 7, units[1].pk: 1, units[2].pk: 1})  # fmt: skip
    count(flag_ballot, [8, 1, 0])  # someone else saves first
    before = snapshot(flag_ballot)
    client = client_for(nine.secretary)
    response = client.post(counts_url(flag_ballot), stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Số liệu của phiếu này vừa được người khác lưu trong lúc bạn đang nhập; chưa có gì được ghi. Số liệu họ đã "
        f"lưu: có quyền bỏ phiếu 9; phát ra 9; thu về 9; hợp lệ 9; {units[0].name} 8; {units[1].name} 1; "
        f"{units[2].name} 0. Những gì bạn nhập vẫn còn dưới đây; bấm Lưu lần nữa nếu vẫn muốn ghi đè."
    ]
    assert snapshot(flag_ballot) == before
    assert f'name="version" value="{before[4]}"' in response.content.decode()
    # Saving again is a deliberate choice: it goes through.
    again = client.post(counts_url(flag_ballot), {**stale, "version": str(before[4])})
    assert again.status_code == 302
    assert snapshot(flag_ballot)[5] == [(units[0].pk, 7), (units[1].pk, 1), (units[2].pk, 1)]


def test_service_version_check(flag_ballot):
    blank = {c.unit_id: None for c in flag_ballot.candidates.all()}
    with pytest.raises(ValidationError) as excinfo:
        svc.ballot_record_counts(ballot=flag_ballot, entitled=9, issued=None, returned=None, valid=None, votes=blank,
                                 expected_version=7)  # fmt: skip
    assert excinfo.value.code == "conflict"


# --- Quorum and validity -------------------------------------------------------------------------


def test_quorum_from_the_attendance(nine):
    assert svc.meeting_quorum(nine.meeting).present is None
    assert svc.meeting_quorum(nine.meeting).text == "Chưa ghi danh sách dự họp."
    attend(nine.meeting, nine.units, present=5)
    quorum = svc.meeting_quorum(nine.meeting)
    assert (quorum.present, quorum.members, quorum.required, quorum.met) == (5, 9, 6, False)


def test_meeting_quorum_counts_with_the_shared_rule_in_three_queries(nine, world, rules, django_assert_num_queries):
    from meetings import voting

    attend(nine.meeting, nine.units, present=5)
    Attendance.objects.create(meeting=nine.meeting, unit=world["unit_b1"], present=True)  # not a member
    with django_assert_num_queries(3):  # members, attendance, the year's rule set
        quorum = svc.meeting_quorum(nine.meeting)
    with django_assert_num_queries(2):
        assert svc.meeting_quorum(nine.meeting, rule_set=rules) == quorum
    rows = Attendance.objects.filter(meeting=nine.meeting).values_list("unit_id", "present")
    shared = voting.attendance_quorum(members={u.pk for u in nine.units}, attendance=rows, quorum=rules.quorum)
    assert quorum == shared
    assert (quorum.present, quorum.members, quorum.required, quorum.met) == (5, 9, 6, False)


def test_below_quorum_the_ballot_is_invalid_and_proposes_no_one(nine):
    attend(nine.meeting, nine.units, present=5)
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award("co-ubnd-tinh"), title="", seats=1,
        candidates=nine.units[:2],
    )  # fmt: skip
    ballot = count(ballot, [5, 0], issued=5, returned=5, valid=5)
    result = svc.ballot_result(ballot)
    assert result.valid is False
    assert result.reasons == [
        "Có mặt 5/9 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên (tối thiểu 6): không đủ số "
        "lượng, các phiếu bầu tại hội nghị không hợp lệ."
    ]
    assert svc.passed_candidates(ballot) == []


def test_without_attendance_the_ballot_is_not_yet_valid(nine):
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award("co-ubnd-tinh"), title="", seats=1,
        candidates=nine.units[:1],
    )  # fmt: skip
    ballot = count(ballot, [9])
    assert svc.ballot_result(ballot).reasons == [
        "Chưa ghi danh sách dự họp: chưa xác định được hội nghị có đủ số lượng thành viên dự họp."
    ]


def test_passed_candidates_are_what_the_nominations_read(flag_ballot, nine):
    count(flag_ballot, [8, 1, 0])
    (proposal,) = svc.passed_candidates(flag_ballot)
    assert proposal == svc.PassedCandidate(
        unit=nine.units[0],
        award_type=award("co-ubnd-tinh"),
        votes=8,
        share=Fraction(8, 9),
        share_text="8/9 (88,9%)",
        rule_text="Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (9): từ 70% trở lên",
        meeting=nine.meeting,
    )


def test_a_tie_proposes_none_of_the_tied(nine):
    # Four seats, five units at or above 70%: the four tied at 7 cannot all fit in the three seats left.
    attend(nine.meeting, nine.units, present=9)
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award("bk-chu-tich-tinh"), title="", seats=4,
        candidates=nine.units[:5],
    )  # fmt: skip
    ballot = count(ballot, [8, 7, 7, 7, 7])
    result = svc.ballot_result(ballot)
    assert result.valid is True
    assert [(r.chosen, r.tie) for r in result.rows] == [(True, False)] + [(False, True)] * 4
    assert [p.unit for p in svc.passed_candidates(ballot)] == [nine.units[0]]


# --- Showing a ballot ----------------------------------------------------------------------------


def test_result_include_shows_counts_rule_quota_and_proposals(flag_ballot, nine):
    count(flag_ballot, [8, 1, 0])
    (view,) = svc.meeting_ballots(nine.meeting)
    html = render_to_string(
        "meetings/ballot_result.html",
        {"ballot": view.ballot, "result": view.result, "meeting": nine.meeting, "can_edit": True},
    )
    assert "Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (9): từ 70% trở lên" in html
    assert "tối đa 1 đơn vị mỗi khối: 1 đơn vị" in html
    assert "8/9 (88,9%)" in html
    assert "Được chọn" in html
    assert f"/de-nghi/tu-phieu/{flag_ballot.pk}/" in html
    assert "Tạo hồ sơ đề nghị" in html
    assert "Phiếu không hợp lệ" not in html
    assert reverse("meetings:ballot_counts", args=[nine.meeting.pk, flag_ballot.pk]) in html
    minutes = render_to_string(
        "meetings/ballot_result.html",
        {"ballot": view.ballot, "result": view.result, "meeting": nine.meeting, "can_edit": True, "minutes": True},
    )
    assert ("<a " in minutes, "<button" in minutes, "<form" in minutes) == (False, False, False)


def test_result_include_shows_why_a_ballot_is_invalid(nine):
    ballot = svc.ballot_create(
        meeting=nine.meeting, purpose="award", award_type=award("co-ubnd-tinh"), title="", seats=1,
        candidates=nine.units[:1],
    )  # fmt: skip
    (view,) = svc.meeting_ballots(nine.meeting)
    html = render_to_string("meetings/ballot_result.html", {"ballot": view.ballot, "result": view.result,
                                                            "meeting": nine.meeting})  # fmt: skip
    assert "Phiếu không hợp lệ:" in html
    assert "Chưa ghi danh sách dự họp" in html
    assert ballot.title in html


def test_a_ballot_not_yet_counted_says_so_without_alarm(flag_ballot, nine):
    (view,) = svc.meeting_ballots(nine.meeting)
    html = render_to_string("meetings/ballot_result.html", {"ballot": view.ballot, "result": view.result,
                                                            "meeting": nine.meeting})  # fmt: skip
    assert view.result.reasons == ["Chưa nhập số liệu kiểm phiếu."]
    assert '<div class="alert alert-secondary py-2 small" role="status">Chưa nhập số liệu kiểm phiếu.</div>' in html
    assert "Phiếu không hợp lệ" not in html


def test_meeting_ballots_run_a_fixed_number_of_queries(nine, django_assert_num_queries):
    attend(nine.meeting, nine.units, present=9)

    def add(n):
        for _ in range(n):
            ballot = svc.ballot_create(meeting=nine.meeting, purpose="other", award_type=None, title="Biểu quyết",
                                       seats=2, candidates=nine.units)  # fmt: skip
            count(ballot, [5, 4, 3, 2, 1, 1, 1, 1, 0])

    add(1)
    with django_assert_num_queries(5):
        assert len(svc.meeting_ballots(nine.meeting)) == 1
    add(5)
    with django_assert_num_queries(5):
        assert len(svc.meeting_ballots(nine.meeting)) == 6


def test_counts_page_runs_a_fixed_number_of_queries(nine, client_for, django_assert_max_num_queries):
    attend(nine.meeting, nine.units, present=9)
    small = svc.ballot_create(meeting=nine.meeting, purpose="other", award_type=None, title="Một", seats=1,
                              candidates=nine.units[:1])  # fmt: skip
    large = svc.ballot_create(meeting=nine.meeting, purpose="other", award_type=None, title="Chín", seats=1,
                              candidates=nine.units)  # fmt: skip
    client = client_for(nine.secretary)
    client.get(counts_url(small))
    counts = []
    for ballot in (small, large):
        with django_assert_max_num_queries(30) as captured:
            assert client.get(counts_url(ballot)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- Elections -----------------------------------------------------------------------------------


@pytest.fixture
def head_election(world):
    """Bloc A's year-end meeting, all present; a head election for next year that chose Sở Tài chính (unit_a2)."""
    meeting = Meeting.objects.create(
        bloc=world["bloc_a"], year=YEAR, kind="year_end",
        title="Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025",
        held_at=datetime(2025, 12, 28, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        place="Văn phòng UBND tỉnh", chair="Ông A", secretary="Bà B",
    )  # fmt: skip
    units = [world["unit_a1"], world["unit_a2"], world["unit_a3"]]
    attend(meeting, units, present=3)
    ballot = svc.ballot_create(meeting=meeting, purpose="head", award_type=None, title="", seats=1,
                               candidates=[world["unit_a2"], world["unit_a3"]])  # fmt: skip
    svc.ballot_record_counts(ballot=ballot, entitled=3, issued=3, returned=3, valid=3,
                             votes={world["unit_a2"].pk: 3, world["unit_a3"].pk: 0}, expected_version=1)  # fmt: skip
    return Ballot.objects.get(pk=ballot.pk)


NOTE = "Được bầu làm khối trưởng năm 2026 tại Hội nghị tổng kết công tác thi đua, khen thưởng năm 2025 ngày 28/12/2025"
REASON = "Được bầu làm khối trưởng năm 2026 tại Hội nghị tổng kết công tác thi đua, khen… ngày 28/12/2025"  # 100 chars


def test_election_writes_next_years_head_and_demotes_the_previous_one(head_election, world, board, client_for):
    bloc = world["bloc_a"]
    MembershipFactory(bloc=bloc, unit=world["unit_a1"], year=2026, role=MemberRole.HEAD)
    MembershipFactory(bloc=bloc, unit=world["unit_a2"], year=2026, role=MemberRole.DEPUTY)
    url = reverse("meetings:election_apply", args=[head_election.meeting_id, head_election.pk])
    client = client_for(board)
    page = client.get(url).content.decode()
    assert "Ghi Sở Tài chính là khối trưởng năm 2026?" in page
    assert "Hiện Văn phòng UBND tỉnh đang được ghi là khối trưởng năm 2026 và sẽ chuyển thành thành viên." in page
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    roles = dict(Membership.objects.filter(bloc=bloc, year=2026).values_list("unit__code", "role"))
    assert roles == {"vp-ubnd": "member", "stc": "head"}
    head = Membership.objects.get(unit=world["unit_a2"], year=2026)
    assert head.note == NOTE
    latest = head.history.latest("history_date", "history_id")
    assert (latest.role, latest.history_change_reason, latest.history_user) == ("head", REASON, board)
    demoted = Membership.objects.get(unit=world["unit_a1"], year=2026).history.latest("history_date", "history_id")
    assert demoted.history_change_reason == (
        "Chuyển thành thành viên: Sở Tài chính được bầu làm khối trưởng năm 2026 tại Hội nghị tổng kết…"
    )
    head_election.refresh_from_db()
    assert head_election.applied_by == board
    assert head_election.applied_at is not None
    # Written once: the button is gone, a second attempt is refused, the ballot can no longer be deleted.
    assert svc.election_plan(head_election).problems[0].startswith("Kết quả bầu đã được ghi vào thành viên năm 2026")
    with pytest.raises(ValidationError):
        svc.ballot_delete(ballot=head_election)


def test_election_creates_the_membership_when_the_unit_has_none_next_year(head_election, world, board):
    membership = svc.election_apply(ballot=head_election, user=board, confirmed=True)
    assert (membership.bloc, membership.unit, membership.year, membership.role, membership.note) == (
        world["bloc_a"], world["unit_a2"], 2026, "head", NOTE,
    )  # fmt: skip
    assert membership.history.get().history_change_reason == REASON


def test_election_refused_when_the_unit_is_in_another_bloc_next_year(head_election, world, board, client_for):
    MembershipFactory(bloc=world["bloc_b"], unit=world["unit_a2"], year=2026)
    client = client_for(board)
    before = rows_written()
    url = reverse("meetings:election_apply", args=[head_election.meeting_id, head_election.pk])
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 200
    assert response.context["errors"] == [
        "Sở Tài chính đã thuộc Khối các cơ quan Đảng trong năm 2026: không ghi được là khối trưởng của khối này."
    ]
    assert rows_written() == before


def test_election_needs_confirmation_and_a_single_valid_winner(head_election, world, board):
    with pytest.raises(ValidationError) as excinfo:
        svc.election_apply(ballot=head_election, user=board, confirmed=False)
    assert excinfo.value.messages == ["Hãy xác nhận trước khi ghi kết quả bầu."]
    svc.ballot_record_counts(ballot=head_election, entitled=3, issued=3, returned=3, valid=3,
                             votes={world["unit_a2"].pk: 1, world["unit_a3"].pk: 2}, expected_version=2)  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        svc.election_apply(ballot=head_election, user=board, confirmed=True)
    assert excinfo.value.messages == ["Chưa có đơn vị nào trúng cử (đạt ngưỡng theo quy chế)."]
    assert not Membership.objects.filter(year=2026).exists()


# --- Closed years --------------------------------------------------------------------------------

BALLOT_ROUTES = {"meetings:ballot_add", "meetings:ballot_counts", "meetings:ballot_delete", "meetings:election_apply"}
BALLOT_CASES = [case[:4] for case in CASES if case[0] in BALLOT_ROUTES]


def test_the_table_has_every_ballot_route():
    assert {case[0] for case in BALLOT_CASES if case[2] == "post"} == BALLOT_ROUTES


@pytest.mark.parametrize(("name", "kwargs", "method", "data"), BALLOT_CASES, ids=[c[0] for c in BALLOT_CASES])
def test_closed_year_refuses_every_ballot_page(name, kwargs, method, data, access_world, board, client_for):  # noqa: F811
    year_close(bloc=access_world["bloc_a"], year=YEAR, user=board)
    client = client_for(board)
    before = rows_written()
    url = reverse(name, kwargs=kwargs(access_world))
    response = client.get(url) if method == "get" else client.post(url, data(access_world))
    assert response.status_code == 403
    assert rows_written() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_election_refused_when_next_year_is_closed(method, head_election, world, board, client_for):
    year_close(bloc=world["bloc_a"], year=2026, user=board)
    client = client_for(board)
    before = rows_written()
    url = reverse("meetings:election_apply", args=[head_election.meeting_id, head_election.pk])
    response = client.get(url) if method == "get" else client.post(url, {"confirm": "1"})
    assert response.status_code == 403
    assert rows_written() == before
    with pytest.raises(ValidationError) as excinfo:
        svc.election_apply(ballot=head_election, user=board, confirmed=True)
    assert excinfo.value.code == "year_closed"


def test_closed_year_shows_the_result_without_buttons(head_election, world, board):
    year_close(bloc=world["bloc_a"], year=YEAR, user=board)
    assert BlocYear.objects.get(bloc=world["bloc_a"], year=YEAR).is_closed
    (view,) = svc.meeting_ballots(head_election.meeting)
    context = {"ballot": view.ballot, "result": view.result, "meeting": head_election.meeting, "can_edit": False}
    html = render_to_string("meetings/ballot_result.html", context)
    assert "Trúng cử" in html
    assert ("<a " in html, "<form" in html) == (False, False)


# --- Deleting, and what is not an election -------------------------------------------------------


def test_delete_removes_the_ballot_but_keeps_an_applied_election(head_election, world, board, client_for):
    client = client_for(board)
    svc.election_apply(ballot=head_election, user=board, confirmed=True)
    url = reverse("meetings:ballot_delete", args=[head_election.meeting_id, head_election.pk])
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Kết quả bầu của phiếu «Bầu đơn vị khối trưởng năm 2026» đã được ghi vào thành viên năm 2026; "
        "không xóa được phiếu này."
    ]
    assert Ballot.objects.filter(pk=head_election.pk).exists()
    other = svc.ballot_create(meeting=head_election.meeting, purpose="other", award_type=None, title="Biểu quyết",
                              seats=1, candidates=[world["unit_a1"]])  # fmt: skip
    response = client.post(reverse("meetings:ballot_delete", args=[other.meeting_id, other.pk]))
    assert response.status_code == 302
    assert response.url == f"/hoi-nghi/{other.meeting_id}/#bo-phieu"
    assert list(Ballot.objects.values_list("pk", flat=True)) == [head_election.pk]
    assert BallotCandidate.objects.filter(ballot_id=other.pk).count() == 0


def test_only_elections_have_an_election_page(flag_ballot, nine, client_for):
    url = reverse("meetings:election_apply", args=[nine.meeting.pk, flag_ballot.pk])
    assert client_for(nine.secretary).get(url).status_code == 404


def test_a_ballot_of_another_meeting_is_not_found(flag_ballot, head_election, board, client_for):
    url = reverse("meetings:ballot_counts", args=[head_election.meeting_id, flag_ballot.pk])
    assert client_for(board).get(url).status_code == 404
