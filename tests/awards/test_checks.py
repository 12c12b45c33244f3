"""awards/checks.py: the facts read from the database, each rule at its boundaries, bounded queries."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.checks import blocking_problems, checks_for, summary
from awards.models import DossierFile, Nomination
from blocs.models import AwardRule, Criterion, Score
from meetings.models import Attendance, Ballot, BallotCandidate, Meeting
from meetings.services_ballots import ballot_record_counts
from tests.factories import BlocFactory, MembershipFactory, UnitFactory, UserFactory
from tests.meetings import ballot_world
from units.models import AnnualRating, AwardType

YEAR = 2025


def award(code: str) -> AwardType:
    return AwardType.objects.get(code=code)


def add_rule(world, code: str, **values) -> AwardRule:
    return AwardRule.objects.create(rule_set=world["rule_set"], award_type=award(code), citation="Điều 74", **values)


def nominate(unit, code: str, *, bloc, state="draft", ballot=None) -> Nomination:
    user = UserFactory(username="nguoi-lap")
    return Nomination.objects.create(
        year=YEAR, bloc=bloc, unit=unit, award_type=award(code), state=state, ballot=ballot, created_by=user
    )


def rate(unit, *years, rating="HTXSNV", **counts):
    for year in years:
        AnnualRating.objects.create(unit=unit, year=year, rating=rating, **counts)


def check(nomination, code: str):
    found = [c for c in checks_for([nomination])[nomination.pk] if c.code == code]
    return found[0] if found else None


def bloc_of(size: int, code="khoi-lon"):
    bloc = BlocFactory(code=code)
    units = [UnitFactory() for _ in range(size)]
    for unit in units:
        MembershipFactory(bloc=bloc, unit=unit, year=YEAR)
    return bloc, units


def meeting_of(bloc) -> Meeting:
    return Meeting.objects.create(
        bloc=bloc, year=YEAR, kind="year_end", title="Hội nghị tổng kết năm 2025",
        held_at=datetime(2025, 12, 28, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )  # fmt: skip


def counted_ballot(bloc, code: str, votes: dict, *, entitled: int, vote_base="entitled") -> Ballot:
    ballot = Ballot.objects.create(
        meeting=meeting_of(bloc), purpose="award", award_type=award(code), title="Bình xét", seats=len(votes),
        entitled=entitled, issued=entitled, returned=entitled, valid=entitled, vote_base=vote_base,
        threshold_num=70, threshold_den=100,
    )  # fmt: skip
    for order, (unit, count) in enumerate(votes.items(), start=1):
        BallotCandidate.objects.create(ballot=ballot, unit=unit, votes=count, order=order)
    return ballot


def attach(nomination, *kinds):
    for kind in kinds:
        DossierFile.objects.create(
            nomination=nomination, kind=kind, file=f"dossiers/{nomination.pk}/{kind}.pdf", name=f"{kind}.pdf",
            content_type="application/pdf", size=100, uploaded_by=nomination.created_by,
        )  # fmt: skip


# --- Ratings and consecutive years ---------------------------------------------------------------


@pytest.mark.parametrize(("code", "need", "years", "outcome"), [
    ("bk-chu-tich-tinh", 2, [2024, 2025], "ok"),
    ("bk-chu-tich-tinh", 2, [2025], "blocking"),
    ("bk-thu-tuong", 5, [2021, 2022, 2023, 2024, 2025], "ok"),
    ("bk-thu-tuong", 5, [2022, 2023, 2024, 2025], "blocking"),
    ("bk-thu-tuong", 5, [2020, 2021, 2022, 2024, 2025], "blocking"),  # a gap year
])  # fmt: skip
def test_consecutive_years(world, code, need, years, outcome):
    add_rule(world, code, required_rating="HTXSNV", consecutive_years=need)
    rate(world["unit_a1"], *years)
    nomination = nominate(world["unit_a1"], code, bloc=world["bloc_a"])

    assert check(nomination, "consecutive").outcome == outcome
    assert check(nomination, "rating").outcome == "ok"


def test_rating_below_required_blocks_with_citation(world):
    add_rule(world, "bk-chu-tich-tinh", required_rating="HTXSNV")
    rate(world["unit_a1"], YEAR, rating="HTTNV")
    nomination = nominate(world["unit_a1"], "bk-chu-tich-tinh", bloc=world["bloc_a"])

    result = check(nomination, "rating")

    assert result.outcome == "blocking"
    assert (
        result.detail == "Năm 2025 xếp loại «Hoàn thành tốt nhiệm vụ», chưa đạt yêu cầu «Hoàn thành xuất sắc nhiệm vụ»."
    )
    assert result.citation == "Điều 74; Luật Thi đua, khen thưởng số 06/2022/QH15"


def test_no_award_rule_blocks(world):
    nomination = nominate(world["unit_a1"], "bk-chu-tich-tinh", bloc=world["bloc_a"])

    assert check(nomination, "rule").outcome == "blocking"


# --- Quota ---------------------------------------------------------------------------------------


def test_quota_twenty_percent_of_nine_is_one(world):
    add_rule(world, "ttldxs", quota_percent=Decimal(20), quota_base="members")
    bloc, units = bloc_of(9)
    first = nominate(units[0], "ttldxs", bloc=bloc)

    assert check(first, "quota").outcome == "ok"
    assert check(first, "quota").detail == "Khối đề nghị 1/1 đơn vị «Tập thể lao động xuất sắc»."

    second = nominate(units[1], "ttldxs", bloc=bloc)

    assert check(second, "quota").outcome == "blocking"


def test_quota_leaves_out_rejected_nominations(world):
    add_rule(world, "ttldxs", quota_percent=Decimal(20), quota_base="members")
    bloc, units = bloc_of(9)
    nominate(units[0], "ttldxs", bloc=bloc, state="not_approved")
    second = nominate(units[1], "ttldxs", bloc=bloc)

    assert check(second, "quota").outcome == "ok"


# --- Ballot --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("votes", "outcome"), [(7, "ok"), (6, "blocking")])
def test_threshold_exactly_met(world, votes, outcome):
    add_rule(world, "bk-chu-tich-tinh")
    bloc, units = bloc_of(10)
    ballot = counted_ballot(bloc, "bk-chu-tich-tinh", {units[0]: votes}, entitled=10)
    nomination = nominate(units[0], "bk-chu-tich-tinh", bloc=bloc, ballot=ballot)

    assert check(nomination, "vote").outcome == outcome


def test_ballot_of_another_award_type_blocks(world):
    add_rule(world, "bk-chu-tich-tinh")
    bloc, units = bloc_of(10)
    ballot = counted_ballot(bloc, "ttldxs", {units[0]: 10}, entitled=10)
    nomination = nominate(units[0], "bk-chu-tich-tinh", bloc=bloc, ballot=ballot)

    assert check(nomination, "vote").outcome == "blocking"


def test_share_on_members_present(world):
    add_rule(world, "bk-chu-tich-tinh")
    bloc, units = bloc_of(10)
    ballot = counted_ballot(bloc, "bk-chu-tich-tinh", {units[0]: 6}, entitled=10, vote_base="present")
    for unit in units:
        Attendance.objects.create(meeting=ballot.meeting, unit=unit, present=unit not in units[:2])
    nomination = nominate(units[0], "bk-chu-tich-tinh", bloc=bloc, ballot=ballot)

    assert check(nomination, "vote").detail == "Đạt 6/8 (75%) số phiếu, ngưỡng từ 70% trở lên (phiếu «Bình xét»)."


def test_no_ballot_warns(world):
    add_rule(world, "bk-chu-tich-tinh")
    nomination = nominate(world["unit_a1"], "bk-chu-tich-tinh", bloc=world["bloc_a"])

    assert check(nomination, "vote").outcome == "warning"


# --- Dossier, labour -----------------------------------------------------------------------------


def test_missing_dossier_kinds(world):
    add_rule(world, "bk-chu-tich-tinh")
    nomination = nominate(world["unit_a1"], "bk-chu-tich-tinh", bloc=world["bloc_a"])
    attach(nomination, "letter", "other")

    assert check(nomination, "dossier").detail == "Còn thiếu: Biên bản họp bình xét, Báo cáo thành tích."

    attach(nomination, "minutes", "report")

    assert check(nomination, "dossier").outcome == "ok"


@pytest.mark.parametrize(("counts", "outcome"), [
    ({"staff_total": 10, "staff_completed": 10, "staff_advanced": 7, "staff_emulation_fighters": 1}, "ok"),
    ({"staff_total": 10, "staff_completed": 10, "staff_advanced": 6, "staff_emulation_fighters": 1}, "blocking"),
    ({}, "warning"),
])  # fmt: skip
def test_labour_conditions(world, counts, outcome):
    add_rule(world, "ttldxs", required_rating="HTXSNV")
    rate(world["unit_a1"], YEAR, **counts)
    nomination = nominate(world["unit_a1"], "ttldxs", bloc=world["bloc_a"])

    assert check(nomination, "labour").outcome == outcome


# --- Government flag -----------------------------------------------------------------------------


def test_government_flag_needs_the_provincial_flag_unit(world):
    add_rule(world, "co-chinh-phu", quota_percent=Decimal(20), quota_base="bloc_leaders")
    ballot = ballot_world(world)["ballot"]
    ballot_record_counts(
        ballot=ballot, entitled=3, issued=3, returned=3, valid=3,
        votes={world["unit_a1"].pk: 3, world["unit_a2"].pk: 0, world["unit_a3"].pk: 0}, expected_version=ballot.version,
    )  # fmt: skip
    chosen = nominate(world["unit_a1"], "co-chinh-phu", bloc=world["bloc_a"])
    other = nominate(world["unit_a2"], "co-chinh-phu", bloc=world["bloc_a"])

    checks = checks_for([chosen, other])

    assert [c.outcome for c in checks[chosen.pk] if c.code == "leading"] == ["ok"]
    assert [c.outcome for c in checks[other.pk] if c.code == "leading"] == ["blocking"]


def test_government_flag_for_the_unit_ranked_first(world, scoring):
    add_rule(world, "co-chinh-phu", quota_percent=Decimal(20), quota_base="bloc_leaders")
    criterion = Criterion.objects.filter(table=scoring, kind="normal").order_by("order", "pk").first()
    Score.objects.create(criterion=criterion, unit=world["unit_a3"], assessed_value=Decimal(30))
    Score.objects.create(criterion=criterion, unit=world["unit_a1"], assessed_value=Decimal(20))
    first = nominate(world["unit_a3"], "co-chinh-phu", bloc=world["bloc_a"])
    second = nominate(world["unit_a1"], "co-chinh-phu", bloc=world["bloc_a"])

    checks = checks_for([first, second])

    assert [c.outcome for c in checks[first.pk] if c.code == "leading"] == ["ok"]
    assert [c.outcome for c in checks[second.pk] if c.code == "leading"] == ["blocking"]


def test_province_cap_warns(world):
    add_rule(world, "co-chinh-phu", quota_percent=Decimal(20), quota_base="bloc_leaders")
    for index in range(3):
        bloc_of(1, code=f"khoi-them-{index}")  # five active blocs with members: 20% allows 1
    first = nominate(world["unit_a1"], "co-chinh-phu", bloc=world["bloc_a"])

    assert check(first, "province").outcome == "ok"

    nominate(world["unit_b1"], "co-chinh-phu", bloc=world["bloc_b"])

    assert check(first, "province").outcome == "warning"
    assert check(first, "quota") is None


# --- Together ------------------------------------------------------------------------------------


def test_blocking_problems_and_summary(world):
    add_rule(world, "ttldtt", required_rating="HTTNV")
    rate(world["unit_a1"], YEAR, rating="HTTNV")
    nomination = nominate(world["unit_a1"], "ttldtt", bloc=world["bloc_a"])

    assert blocking_problems(nomination) == ["Hồ sơ đủ thành phần: Còn thiếu: Tờ trình đề nghị, Biên bản họp bình "
                                             "xét, Báo cáo thành tích."]  # fmt: skip
    assert summary(checks_for([nomination])[nomination.pk]) == "blocking"

    attach(nomination, "letter", "minutes", "report")

    assert blocking_problems(nomination) == []
    assert summary(checks_for([nomination])[nomination.pk]) == "warning"  # no ballot


def test_empty_list():
    assert checks_for([]) == {}


def _world_of(size: int, world) -> list[Nomination]:
    bloc, units = bloc_of(size, code=f"khoi-{size}")
    nominations = []
    for index, unit in enumerate(units):
        rate(unit, 2024, YEAR)
        code = "co-chinh-phu" if index == 0 else "bk-chu-tich-tinh"
        ballot = counted_ballot(bloc, code, {unit: 1}, entitled=size)
        nomination = nominate(unit, code, bloc=bloc, ballot=ballot)
        attach(nomination, "letter", "minutes")
        nominations.append(nomination)
    return nominations


def test_bounded_queries(world):
    add_rule(world, "bk-chu-tich-tinh", required_rating="HTXSNV", consecutive_years=2, quota_percent=Decimal(50),
             quota_base="remaining")  # fmt: skip
    add_rule(world, "co-chinh-phu", required_rating="HTXSNV", quota_percent=Decimal(20), quota_base="bloc_leaders")
    small = _world_of(5, world)
    large = _world_of(50, world)

    with CaptureQueriesContext(connection) as few:
        small_checks = checks_for(small)
    with CaptureQueriesContext(connection) as many:
        large_checks = checks_for(large)

    assert len(small_checks) == 5
    assert len(large_checks) == 50
    assert len(many) == len(few) == 19  # 13 for the facts, 6 for the one bloc proposing a Government flag
