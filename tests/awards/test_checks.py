"""awards/checks.py: the facts read from the database, each rule at its boundaries, bounded queries."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.checks import blocking_problems, checks_for, summary
from awards.models import DossierFile, Nomination
from blocs.models import AwardRule, AwardRulePriorAward, Criterion, Score
from meetings.models import Attendance, Ballot, BallotCandidate, Meeting
from meetings.services_ballots import ballot_record_counts
from tests.factories import BlocFactory, MembershipFactory, UnitFactory, UserFactory
from tests.meetings import ballot_world
from units.models import AnnualRating, Award, AwardType

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


# --- Awards received within the consecutive years -------------------------------------------------


def pm_rule(world) -> AwardRule:
    """The PM's certificate: 5 years HTXSNV and, within them, 1 provincial flag or 2 provincial certificates."""
    rule = add_rule(world, "bk-thu-tuong", required_rating="HTXSNV", consecutive_years=5)
    AwardRulePriorAward.objects.create(rule=rule, award_type=award("co-ubnd-tinh"), count=1)
    AwardRulePriorAward.objects.create(rule=rule, award_type=award("bk-chu-tich-tinh"), count=2)
    return rule


def received(unit, code: str, *years: int, source="decision"):
    for year in years:
        Award.objects.create(unit=unit, award_type=award(code), year=year, source=source)


def pm_nomination(world, unit):
    rate(unit, 2021, 2022, 2023, 2024, 2025)
    return nominate(unit, "bk-thu-tuong", bloc=world["bloc_a"])


@pytest.mark.parametrize(
    ("awards", "outcome"),
    [
        ({"co-ubnd-tinh": [2021]}, "ok"),  # exactly one flag, in the first year of the window
        ({"bk-chu-tich-tinh": [2022, 2025]}, "ok"),  # two certificates
        ({"bk-chu-tich-tinh": [2023]}, "blocking"),  # one certificate
        ({"co-ubnd-tinh": [2020]}, "blocking"),  # a flag just before the window
        ({"bk-chu-tich-tinh": [2020, 2024]}, "blocking"),  # two certificates, one just before the window
    ],
)
def test_prior_awards_read_from_the_award_history(world, awards, outcome):
    pm_rule(world)
    for code, years in awards.items():
        received(world["unit_a1"], code, *years)
    nomination = pm_nomination(world, world["unit_a1"])

    assert check(nomination, "consecutive").outcome == "ok"
    assert check(nomination, "prior_awards").outcome == outcome


def test_one_certificate_blocks_with_the_rule_and_citation(world):
    pm_rule(world)
    received(world["unit_a1"], "bk-chu-tich-tinh", 2023)
    received(world["unit_a2"], "bk-chu-tich-tinh", 2023)  # another unit's award
    nomination = pm_nomination(world, world["unit_a1"])

    result = check(nomination, "prior_awards")

    assert result.outcome == "blocking"
    assert result.detail == (
        "Trong 5 năm 2021–2025 mới được tặng 1 Bằng khen của Chủ tịch UBND tỉnh (năm 2023); cần 1 Cờ thi đua của UBND "
        "tỉnh hoặc 2 Bằng khen của Chủ tịch UBND tỉnh."
    )
    assert result.rule_text == (
        "Trong 5 năm 2021–2025 được tặng ít nhất 1 Cờ thi đua của UBND tỉnh hoặc 2 Bằng khen của Chủ tịch UBND tỉnh."
    )
    assert result.citation == "Điều 74; Luật Thi đua, khen thưởng số 06/2022/QH15"
    assert f"Khen thưởng trong 5 năm: {result.detail}" in blocking_problems(nomination)


def test_an_imported_award_counts_as_a_decided_one(world, board):
    from awards import history_xlsx
    from awards import services_decisions as decisions
    from tests.awards.test_history_import import row, workbook

    pm_rule(world)
    # Sở Tư pháp: a provincial flag of 2022 imported from the workbook of earlier years.
    result = history_xlsx.history_import(
        data=workbook([row(code="stp", name="Sở Tư pháp", year=2022, award="co-ubnd-tinh", number="98/QĐ-UBND",
                           day="20/01/2023")]),
        user=board,
    )  # fmt: skip
    assert result.errors == []
    # Văn phòng UBND tỉnh: a provincial flag of 2023 written by a decision recorded in the app.
    flag_2023 = Nomination.objects.create(
        year=2023, bloc=world["bloc_a"], unit=world["unit_a1"], award_type=award("co-ubnd-tinh"), state="approved",
        created_by=board,
    )  # fmt: skip
    decision = decisions.decision_create(
        values=decisions.DecisionValues(number="15/QĐ-UBND", date=date(2024, 1, 20), signer="Nguyễn Văn Hòa",
                                        signer_title="Chủ tịch", award_type=award("co-ubnd-tinh"), year=2023),
        user=board,
    )  # fmt: skip
    decisions.decision_attach(decision=decision, versions={flag_2023.pk: flag_2023.version}, user=board)
    assert set(Award.objects.values_list("unit__code", "source")) == {("stp", "import"), ("vp-ubnd", "decision")}

    imported = pm_nomination(world, world["unit_a3"])
    decided = pm_nomination(world, world["unit_a1"])
    checks = checks_for([imported, decided])

    outcomes = {n.pk: next(c for c in checks[n.pk] if c.code == "prior_awards") for n in (imported, decided)}
    assert outcomes[imported.pk].outcome == outcomes[decided.pk].outcome == "ok"
    assert outcomes[imported.pk].detail == (
        "Trong 5 năm 2021–2025 đã được tặng 1 Cờ thi đua của UBND tỉnh (năm 2022), đạt yêu cầu."
    )
    assert outcomes[decided.pk].detail == (
        "Trong 5 năm 2021–2025 đã được tặng 1 Cờ thi đua của UBND tỉnh (năm 2023), đạt yêu cầu."
    )


def test_a_rule_without_prior_awards_has_no_such_check(world):
    add_rule(world, "bk-thu-tuong", required_rating="HTXSNV", consecutive_years=5)
    nomination = pm_nomination(world, world["unit_a1"])

    assert check(nomination, "consecutive").outcome == "ok"
    assert check(nomination, "prior_awards") is None


def test_prior_awards_add_no_query(world, django_assert_num_queries):
    def proposed(count: int, code: str) -> list[Nomination]:
        bloc, units = bloc_of(count, code=f"khoi-{code}-{count}")
        for index, unit in enumerate(units):
            rate(unit, 2021, 2022, 2023, 2024, 2025)
            received(unit, "bk-chu-tich-tinh", *[2020, 2022, 2024][: index % 4])
        return [nominate(unit, "bk-thu-tuong", bloc=bloc) for unit in units]

    rule = add_rule(world, "bk-thu-tuong", required_rating="HTXSNV", consecutive_years=5)
    few = proposed(2, "a")
    with CaptureQueriesContext(connection) as without_condition:
        before = checks_for(few)
    assert not [c for n in few for c in before[n.pk] if c.code == "prior_awards"]
    AwardRulePriorAward.objects.create(rule=rule, award_type=award("co-ubnd-tinh"), count=1)
    AwardRulePriorAward.objects.create(rule=rule, award_type=award("bk-chu-tich-tinh"), count=2)
    many = proposed(40, "b")

    with django_assert_num_queries(len(without_condition)):
        checks = checks_for(few)
    with django_assert_num_queries(len(without_condition)):
        checks |= checks_for(many)

    outcomes = [next(c.outcome for c in checks[n.pk] if c.code == "prior_awards") for n in few + many]
    assert outcomes == ["blocking", "blocking"] + ["blocking", "blocking", "blocking", "ok"] * 10


def test_a_longer_window_reads_older_history(world):
    rule = add_rule(world, "bk-thu-tuong", required_rating="HTXSNV", consecutive_years=8)
    AwardRulePriorAward.objects.create(rule=rule, award_type=award("co-ubnd-tinh"), count=1)
    rate(world["unit_a1"], *range(2018, 2026))
    received(world["unit_a1"], "co-ubnd-tinh", 2018)
    nomination = nominate(world["unit_a1"], "bk-thu-tuong", bloc=world["bloc_a"])

    assert check(nomination, "consecutive").outcome == "ok"
    assert check(nomination, "prior_awards").detail == (
        "Trong 8 năm 2018–2025 đã được tặng 1 Cờ thi đua của UBND tỉnh (năm 2018), đạt yêu cầu."
    )


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


def test_share_on_members_present_leaves_out_guests(world):
    """A unit present at the meeting that is not a member of the bloc that year does not enlarge the base."""
    add_rule(world, "bk-chu-tich-tinh")
    bloc, units = bloc_of(10)
    ballot = counted_ballot(bloc, "bk-chu-tich-tinh", {units[0]: 6}, entitled=10, vote_base="present")
    for unit in units:
        Attendance.objects.create(meeting=ballot.meeting, unit=unit, present=unit not in units[:2])
    for guest in (world["unit_b1"], world["unit_b2"]):
        Attendance.objects.create(meeting=ballot.meeting, unit=guest, present=True)
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
    # 8 for the facts (the ballots with their meeting's attendance and the units' candidacies in one, the years'
    # nominations by bloc and award type with the members of every bloc and the province's active blocs in one,
    # no count of duplicates: a constraint forbids them), 6 for the one bloc proposing a Government flag.
    assert len(many) == len(few) == 14


# --- The leading unit of many blocs --------------------------------------------------------------


def _flag_bloc(index: int, template) -> list[Nomination]:
    """A bloc of three units, each proposed for the Government flag: the first ranked first on its scoring
    table (the second scored by itself only), the second chosen by a counted provincial-flag ballot at a
    meeting all three attended, the third neither."""
    from blocs.services_scoring import scoring_table_copy

    bloc, (first, chosen, neither) = bloc_of(3, code=f"khoi-co-{index}")
    table = scoring_table_copy(source=template, bloc=bloc, year=YEAR)
    criterion = Criterion.objects.filter(table=table, kind="normal").order_by("order", "pk").first()
    Score.objects.create(criterion=criterion, unit=first, assessed_value=Decimal(30))
    Score.objects.create(criterion=criterion, unit=chosen, self_value=Decimal(25))
    ballot = counted_ballot(bloc, "co-ubnd-tinh", {chosen: 3, neither: 0}, entitled=3)
    for unit in (first, chosen, neither):
        Attendance.objects.create(meeting=ballot.meeting, unit=unit, present=True)
    return [nominate(unit, "co-chinh-phu", bloc=bloc) for unit in (first, chosen, neither)]


def _flag_blocs(count: int, start: int = 0) -> list[Nomination]:
    from blocs.services_scoring import scoring_template_ensure

    template = scoring_template_ensure()
    return [n for index in range(start, start + count) for n in _flag_bloc(index, template)]


def _leading_outcomes(checks: dict, nominations: list[Nomination]) -> list[str]:
    return [next(c.outcome for c in checks[n.pk] if c.code == "leading") for n in nominations]


def test_government_flags_of_many_blocs_run_the_queries_of_two(world, django_assert_num_queries):
    add_rule(world, "co-chinh-phu", quota_percent=Decimal(20), quota_base="bloc_leaders")
    few = _flag_blocs(2)
    many = _flag_blocs(12, start=2)

    with CaptureQueriesContext(connection) as measured:
        few_checks = checks_for(few)
    with django_assert_num_queries(len(measured)):
        many_checks = checks_for(many)

    assert _leading_outcomes(few_checks, few) == ["ok", "ok", "blocking"] * 2
    assert _leading_outcomes(many_checks, many) == ["ok", "ok", "blocking"] * 12
    # 7 for the facts (no nomination has a ballot of its own); 8 for the leading units of every bloc: the
    # blocs, the rankings' four, the provincial-flag ballots, their candidates, their meetings' attendance.
    # (Bloc by bloc it was 11 + 9 a bloc: 29 for two blocs, 119 for twelve.)
    assert len(measured) == 15


def _leading_bloc_by_bloc(bloc_years) -> dict:
    """The leading units as they were looked up before, one bloc at a time: the oracle of the batched look-up."""
    from blocs.models import Bloc
    from blocs.ranking_data import ranking_for
    from meetings.services_ballots import BallotView, ballot_result, ballots_queryset

    leaders = {}
    for bloc_id, year in bloc_years:
        ranking = ranking_for(bloc=Bloc.objects.get(pk=bloc_id), year=year)
        chosen = {row.key for row in ranking.ranking.rows if row.scored and row.rank == 1}
        for ballot in ballots_queryset().filter(
            meeting__bloc_id=bloc_id, meeting__year=year, purpose="award", award_type__code="co-ubnd-tinh"
        ):
            chosen |= {row.key for row in BallotView(ballot, ballot_result(ballot)).proposals}
        leaders[bloc_id, year] = chosen
    return leaders


def test_leading_units_of_many_blocs_are_those_of_each_bloc_alone(world):
    """The batched look-up agrees with the bloc-by-bloc one, including the quorum of each ballot's meeting
    (both count it with `meetings.voting.attendance_quorum`): attendance not recorded, outsiders present, a
    year with no rule set."""
    from awards.checks import _leading_units
    from blocs.models import RuleSet, ScoringTable
    from blocs.services_scoring import scoring_table_copy, scoring_template_ensure

    template = scoring_template_ensure()

    def scored(bloc, year, values: dict):
        table = scoring_table_copy(source=template, bloc=bloc, year=year)
        first = Criterion.objects.filter(table=table, kind="normal").order_by("order", "pk").first()
        for unit, (self_value, assessed) in values.items():
            Score.objects.create(criterion=first, unit=unit, self_value=self_value, assessed_value=assessed)

    def present(ballot, *units):
        for unit in units:
            Attendance.objects.create(meeting=ballot.meeting, unit=unit, present=True)

    # Two units tied at the top of the assessed totals: both lead.
    tied, (t1, t2, t3) = bloc_of(3, code="khoi-bang-diem")
    scored(tied, YEAR, {t1: (None, Decimal(30)), t2: (Decimal(40), Decimal(30)), t3: (None, Decimal(20))})
    # Self scores only; its ballot's meeting has no attendance recorded, so the ballot proposes no one.
    own, (s1, s2, _s3) = bloc_of(3, code="khoi-tu-cham")
    scored(own, YEAR, {s1: (Decimal(10), None), s2: (Decimal(12), None)})
    counted_ballot(own, "co-ubnd-tinh", {s1: 3}, entitled=3)
    # No table: one ballot at a meeting where one member and two outsiders were present (no quorum: 1 of
    # the 2 required), another at a meeting all attended, and a ballot for another award.
    untabled, (n1, n2, n3) = bloc_of(3, code="khoi-chua-bang")
    short = counted_ballot(untabled, "co-ubnd-tinh", {n1: 3}, entitled=3)
    present(short, n1, world["unit_b1"], world["unit_b2"])
    full = counted_ballot(untabled, "co-ubnd-tinh", {n2: 3, n3: 1}, entitled=3)
    present(full, n1, n2, n3)
    other = counted_ballot(untabled, "bk-chu-tich-tinh", {n3: 3}, entitled=3)
    present(other, n1, n2, n3)
    # A table with no criteria yet.
    empty, _units = bloc_of(1, code="khoi-bang-trong")
    ScoringTable.objects.create(bloc=empty, year=YEAR, name="Bảng điểm năm 2025")
    # Another year, with no rule set: its ballot has no quorum to meet.
    MembershipFactory(bloc=tied, unit=t1, year=2024)
    MembershipFactory(bloc=tied, unit=t3, year=2024)
    scored(tied, 2024, {t3: (None, Decimal(5))})
    earlier = Ballot.objects.create(
        meeting=Meeting.objects.create(bloc=tied, year=2024, kind="year_end", title="Hội nghị tổng kết năm 2024",
                                       held_at=datetime(2024, 12, 27, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
        purpose="award", award_type=award("co-ubnd-tinh"), title="Bình xét", seats=1, entitled=2, issued=2,
        returned=2, valid=2, vote_base="entitled", threshold_num=70, threshold_den=100,
    )  # fmt: skip
    BallotCandidate.objects.create(ballot=earlier, unit=t1, votes=2, order=1)
    present(earlier, t1, t3)
    bloc_years = {(bloc.pk, YEAR) for bloc in (tied, own, untabled, empty, world["bloc_a"], world["bloc_b"])}
    bloc_years.add((tied.pk, 2024))

    batched = _leading_units(bloc_years, {rs.year: rs for rs in RuleSet.objects.all()})

    assert batched == _leading_bloc_by_bloc(bloc_years)
    assert batched[tied.pk, YEAR] == {t1.pk, t2.pk}
    assert batched[own.pk, YEAR] == {s2.pk}
    assert batched[untabled.pk, YEAR] == {n2.pk}
    assert batched[empty.pk, YEAR] == batched[world["bloc_a"].pk, YEAR] == set()
    assert batched[tied.pk, 2024] == {t3.pk}
