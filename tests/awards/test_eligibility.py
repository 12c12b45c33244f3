"""awards/eligibility.py: each rule at its boundaries, exact arithmetic, no database."""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awards import eligibility as e
from awards.eligibility import BallotFact, Facts, RatingFact, RuleFact

YEAR = 2025
BASIS = ("Luật Thi đua, khen thưởng số 06/2022/QH15",)


def rule(**values) -> RuleFact:
    return RuleFact(citation="Điều 74 Luật Thi đua, khen thưởng 2022", legal_basis=BASIS, **values)


def facts(**values) -> Facts:
    defaults = {"year": YEAR, "award_code": "bk-chu-tich-tinh", "award_name": "Bằng khen của Chủ tịch UBND tỉnh",
                "rule": rule(required_rating="HTXSNV")}  # fmt: skip
    return Facts(**{**defaults, **values})


def rated(*years, rating="HTXSNV") -> dict[int, RatingFact]:
    return {year: RatingFact(rating) for year in years}


# --- Ratings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rating", "required"), list(itertools.product(e.RATING_ORDER, repeat=2)))
def test_rating_at_least_follows_the_order(rating, required):
    assert e.rating_at_least(rating, required) == (e.RATING_ORDER.index(rating) <= e.RATING_ORDER.index(required))


def test_missing_rating_meets_nothing():
    assert e.rating_at_least(None, "KHTNV") is False


@pytest.mark.parametrize(
    ("rating", "outcome"), [("HTXSNV", "ok"), ("HTTNV", "blocking"), ("HTNV", "blocking"), ("KHTNV", "blocking")]
)
def test_rating_check(rating, outcome):
    check = e.check_rating(facts(ratings=rated(YEAR, rating=rating)))

    assert check.outcome == outcome
    assert check.citation == "Điều 74 Luật Thi đua, khen thưởng 2022; Luật Thi đua, khen thưởng số 06/2022/QH15"


def test_rating_check_without_a_rating_blocks():
    check = e.check_rating(facts(ratings={}))

    assert check.outcome == "blocking"
    assert check.detail == "Chưa có xếp loại năm 2025 của đơn vị; yêu cầu «Hoàn thành xuất sắc nhiệm vụ»."


def test_rating_check_not_applied_without_a_required_rating():
    assert e.check_rating(facts(rule=rule())) is None


# --- Consecutive years ---------------------------------------------------------------------------


@pytest.mark.parametrize(("need", "years", "outcome"), [
    (2, [2024, 2025], "ok"),
    (2, [2025], "blocking"),
    (5, [2021, 2022, 2023, 2024, 2025], "ok"),
    (5, [2022, 2023, 2024, 2025], "blocking"),
    (5, [2021, 2022, 2024, 2025], "blocking"),  # a gap year
    (2, [2023, 2024], "blocking"),  # the nomination's own year missing
])  # fmt: skip
def test_consecutive_years(need, years, outcome):
    check = e.check_consecutive(facts(rule=rule(required_rating="HTXSNV", consecutive_years=need),
                                      ratings=rated(*years)))  # fmt: skip

    assert check.outcome == outcome


def test_consecutive_gap_year_is_named():
    check = e.check_consecutive(
        facts(rule=rule(required_rating="HTXSNV", consecutive_years=5), ratings=rated(2021, 2022, 2024, 2025))
    )

    assert check.detail == "Mới đạt 2/5 năm liên tục: năm 2023 chưa có xếp loại."


def test_consecutive_lower_rating_is_named():
    ratings = {**rated(2024), 2025: RatingFact("HTTNV")}

    check = e.check_consecutive(facts(rule=rule(required_rating="HTXSNV", consecutive_years=2), ratings=ratings))

    assert check.detail == "Mới đạt 0/2 năm liên tục: năm 2025 «Hoàn thành tốt nhiệm vụ»."


def test_consecutive_not_applied_below_two_years():
    assert e.check_consecutive(facts(rule=rule(required_rating="HTXSNV", consecutive_years=0))) is None


@given(
    need=st.integers(min_value=2, max_value=6),
    history=st.dictionaries(st.integers(min_value=2018, max_value=YEAR), st.sampled_from(e.RATING_ORDER)),
)
def test_consecutive_property(need, history):
    ratings = {year: RatingFact(value) for year, value in history.items()}
    expected = all(history.get(year) == "HTXSNV" for year in range(YEAR - need + 1, YEAR + 1))

    check = e.check_consecutive(facts(rule=rule(required_rating="HTXSNV", consecutive_years=need), ratings=ratings))

    assert check.outcome == ("ok" if expected else "blocking")
    assert (e.consecutive_run(history, YEAR, "HTXSNV") >= need) == expected


# --- Awards received within the consecutive years -------------------------------------------------

FLAG = e.PriorAwardFact("co-ubnd-tinh", "Cờ thi đua của UBND tỉnh", 1)
CERTIFICATES = e.PriorAwardFact("bk-chu-tich-tinh", "Bằng khen của Chủ tịch UBND tỉnh", 2)
PM_RULE = rule(required_rating="HTXSNV", consecutive_years=5, prior_awards=(FLAG, CERTIFICATES))


def pm_facts(*awards: tuple[str, int], pm_rule: RuleFact = PM_RULE) -> Facts:
    return facts(award_code="bk-thu-tuong", award_name="Bằng khen của Thủ tướng Chính phủ", rule=pm_rule,
                 ratings=rated(2021, 2022, 2023, 2024, 2025), awards=frozenset(awards))  # fmt: skip


@pytest.mark.parametrize(
    ("awards", "outcome"),
    [
        ([("co-ubnd-tinh", 2021)], "ok"),  # exactly one flag, in the first year of the window
        ([("co-ubnd-tinh", 2025)], "ok"),  # the nomination's own year is in the window
        ([("bk-chu-tich-tinh", 2021), ("bk-chu-tich-tinh", 2025)], "ok"),  # two certificates
        ([("bk-chu-tich-tinh", 2023)], "blocking"),  # one certificate
        ([("co-ubnd-tinh", 2020)], "blocking"),  # a flag just before the window
        ([("co-ubnd-tinh", 2026)], "blocking"),  # a flag of a later year
        ([("bk-chu-tich-tinh", 2020), ("bk-chu-tich-tinh", 2021)], "blocking"),  # one of the two is outside
        ([("ttldxs", 2022), ("ttldxs", 2023), ("bk-thu-tuong", 2024)], "blocking"),  # other awards do not count
        ([], "blocking"),
    ],
)
def test_prior_awards_at_the_boundaries_of_the_window(awards, outcome):
    assert e.check_prior_awards(pm_facts(*awards)).outcome == outcome


def test_prior_awards_met_names_what_was_received_with_the_rule_and_citation():
    check = e.check_prior_awards(pm_facts(("co-ubnd-tinh", 2023), ("bk-chu-tich-tinh", 2022)))

    assert (check.code, check.label, check.outcome) == ("prior_awards", "Khen thưởng trong 5 năm", "ok")
    assert check.detail == ("Trong 5 năm 2021–2025 đã được tặng 1 Cờ thi đua của UBND tỉnh (năm 2023); "
                            "1 Bằng khen của Chủ tịch UBND tỉnh (năm 2022), đạt yêu cầu.")  # fmt: skip
    assert check.rule_text == ("Trong 5 năm 2021–2025 được tặng ít nhất 1 Cờ thi đua của UBND tỉnh hoặc 2 Bằng khen "
                               "của Chủ tịch UBND tỉnh.")  # fmt: skip
    assert check.citation == "Điều 74 Luật Thi đua, khen thưởng 2022; Luật Thi đua, khen thưởng số 06/2022/QH15"


def test_one_certificate_is_not_enough():
    check = e.check_prior_awards(pm_facts(("bk-chu-tich-tinh", 2023)))

    assert check.outcome == "blocking"
    assert check.detail == (
        "Trong 5 năm 2021–2025 mới được tặng 1 Bằng khen của Chủ tịch UBND tỉnh (năm 2023); cần 1 Cờ thi đua của UBND "
        "tỉnh hoặc 2 Bằng khen của Chủ tịch UBND tỉnh."
    )
    assert e.blocking_messages([check]) == [f"Khen thưởng trong 5 năm: {check.detail}"]


def test_nothing_received_and_an_award_just_before_the_window_are_said():
    assert e.check_prior_awards(pm_facts()).detail == (
        "Trong 5 năm 2021–2025 chưa được tặng Cờ thi đua của UBND tỉnh hay Bằng khen của Chủ tịch UBND tỉnh nào; cần 1 "
        "Cờ thi đua của UBND tỉnh hoặc 2 Bằng khen của Chủ tịch UBND tỉnh."
    )
    assert e.check_prior_awards(pm_facts(("co-ubnd-tinh", 2020), ("bk-chu-tich-tinh", 2024))).detail == (
        "Trong 5 năm 2021–2025 mới được tặng 1 Bằng khen của Chủ tịch UBND tỉnh (năm 2024); cần 1 Cờ thi đua của UBND "
        "tỉnh hoặc 2 Bằng khen của Chủ tịch UBND tỉnh. Không tính vì trước năm 2021: Cờ thi đua của UBND tỉnh năm 2020."
    )


def test_the_window_follows_the_rules_consecutive_years():
    two_years = rule(required_rating="HTXSNV", consecutive_years=2, prior_awards=(FLAG,))
    assert e.prior_award_window(two_years, YEAR) == (2024, 2025)
    assert e.check_prior_awards(pm_facts(("co-ubnd-tinh", 2024), pm_rule=two_years)).outcome == "ok"
    assert e.check_prior_awards(pm_facts(("co-ubnd-tinh", 2023), pm_rule=two_years)).outcome == "blocking"
    # Without consecutive years the window is the nomination's year alone.
    one_year = rule(prior_awards=(FLAG,))
    assert e.prior_award_window(one_year, YEAR) == (2025, 2025)
    check = e.check_prior_awards(pm_facts(("co-ubnd-tinh", 2025), pm_rule=one_year))
    assert (check.outcome, check.label, check.rule_text) == (
        "ok", "Khen thưởng trong 1 năm", "Năm 2025 được tặng ít nhất 1 Cờ thi đua của UBND tỉnh."
    )  # fmt: skip


def test_no_condition_no_check():
    assert e.check_prior_awards(pm_facts(pm_rule=rule(required_rating="HTXSNV", consecutive_years=5))) is None
    assert e.check_prior_awards(facts(rule=None, rule_set=True)) is None
    assert "prior_awards" not in [c.code for c in e.all_checks(pm_facts(pm_rule=rule(consecutive_years=5)))]


def test_prior_awards_come_right_after_the_consecutive_ratings():
    codes = [c.code for c in e.all_checks(pm_facts(("co-ubnd-tinh", 2022)))]
    assert codes[:3] == ["rating", "consecutive", "prior_awards"]


# --- Vote share ----------------------------------------------------------------------------------


def ballot(votes, base=9, threshold=Fraction(70, 100), strict=False, candidate=True) -> BallotFact:
    return BallotFact(title="Bình xét", candidate=candidate, votes=votes, vote_base="entitled", base=base,
                      threshold=threshold, strict=strict)  # fmt: skip


@pytest.mark.parametrize(("votes", "base", "threshold", "strict", "outcome"), [
    (7, 10, Fraction(70, 100), False, "ok"),  # exactly met
    (7, 10, Fraction(70, 100), True, "blocking"),  # "trên 70%"
    (6, 9, Fraction(70, 100), False, "blocking"),
    (7, 9, Fraction(70, 100), False, "ok"),
    (6, 9, Fraction(2, 3), False, "ok"),  # 2/3 exactly, not 0.66
    (5, 9, Fraction(2, 3), False, "blocking"),
])  # fmt: skip
def test_vote_share(votes, base, threshold, strict, outcome):
    assert e.check_vote(facts(ballot=ballot(votes, base, threshold, strict))).outcome == outcome


def test_vote_share_detail_has_the_numbers():
    check = e.check_vote(facts(ballot=ballot(7, 10)))

    assert check.detail == "Đạt 7/10 (70%) số phiếu, ngưỡng từ 70% trở lên (phiếu «Bình xét»)."


def test_ballot_of_another_award_blocks():
    fact = BallotFact(title="Bình xét Cờ", candidate=True, votes=9, vote_base="entitled", base=9,
                      threshold=Fraction(70, 100), strict=False, same_award=False)  # fmt: skip

    check = e.check_vote(facts(ballot=fact))

    assert check.outcome == "blocking"
    assert check.detail == "Phiếu «Bình xét Cờ» không phải phiếu bình xét «Bằng khen của Chủ tịch UBND tỉnh»."


def test_no_ballot_is_a_warning():
    assert e.check_vote(facts(ballot=None)).outcome == "warning"


def test_not_a_candidate_or_not_counted_blocks():
    assert e.check_vote(facts(ballot=ballot(None, candidate=False))).outcome == "blocking"
    assert e.check_vote(facts(ballot=ballot(None))).outcome == "blocking"


# --- Quota ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("percent", "base", "members", "used", "outcome"), [
    (Decimal(20), "members", 9, 1, "ok"),  # 20% of 9 -> 1
    (Decimal(20), "members", 9, 2, "blocking"),
    (Decimal(20), "members", 10, 2, "ok"),
    (Decimal(50), "remaining", 9, 4, "ok"),  # 50% of 8 -> 4
    (Decimal(50), "remaining", 9, 5, "blocking"),
])  # fmt: skip
def test_bloc_quota(percent, base, members, used, outcome):
    check = e.check_quota(facts(rule=rule(quota_percent=percent, quota_base=base), bloc_members=members,
                                quota_used=used))  # fmt: skip

    assert check.outcome == outcome


def test_bloc_quota_detail():
    check = e.check_quota(facts(rule=rule(quota_percent=Decimal(20)), bloc_members=9, quota_used=2))

    assert check.detail == "Khối đề nghị 2 đơn vị «Bằng khen của Chủ tịch UBND tỉnh», vượt chỉ tiêu 1."
    assert check.rule_text == "Tối đa 20% tổng số đơn vị thành viên (9), làm tròn xuống: 1 đơn vị."


def test_bloc_quota_count_and_no_limit():
    assert e.check_quota(facts(rule=rule(quota_count=1), quota_used=2)).outcome == "blocking"
    assert e.check_quota(facts(rule=rule(), quota_used=5)) is None


def test_bloc_leaders_percentage_is_not_a_bloc_quota():
    assert e.check_quota(facts(rule=rule(quota_percent=Decimal(20), quota_base="bloc_leaders"), quota_used=3)) is None


@given(
    percent=st.integers(min_value=0, max_value=100),
    members=st.integers(min_value=0, max_value=60),
    used=st.integers(min_value=0, max_value=60),
)
def test_quota_rounds_down(percent, members, used):
    limit = e.bloc_quota_limit(rule(quota_percent=Decimal(percent)), members=members)
    check = e.check_quota(facts(rule=rule(quota_percent=Decimal(percent)), bloc_members=members, quota_used=used))

    assert limit * 100 <= percent * members < (limit + 1) * 100
    assert check.outcome == ("ok" if used <= limit else "blocking")


# --- Duplicates, dossier -------------------------------------------------------------------------


def test_duplicate():
    assert e.check_duplicate(facts(duplicates=0)).outcome == "ok"
    assert e.check_duplicate(facts(duplicates=1)).outcome == "blocking"


@pytest.mark.parametrize("present", [set(c) for n in range(4) for c in itertools.combinations(e.REQUIRED_DOSSIER, n)])
def test_dossier(present):
    check = e.check_dossier(facts(dossier_kinds=frozenset(present | {"other"})))

    assert check.outcome == ("ok" if present == set(e.REQUIRED_DOSSIER) else "blocking")


def test_dossier_names_what_is_missing():
    check = e.check_dossier(facts(dossier_kinds=frozenset({"letter"})))

    assert check.detail == "Còn thiếu: Biên bản họp bình xét, Báo cáo thành tích."


# --- Labour conditions ---------------------------------------------------------------------------


def labour(total, completed, advanced, fighters) -> Facts:
    return facts(award_code="ttldxs", award_name="Tập thể lao động xuất sắc",
                 ratings={YEAR: RatingFact("HTXSNV", total, completed, advanced, fighters)})  # fmt: skip


@pytest.mark.parametrize(("counts", "outcome"), [
    ((10, 10, 7, 1), "ok"),  # exactly 70%
    ((10, 10, 6, 1), "blocking"),
    ((10, 9, 7, 1), "blocking"),
    ((10, 10, 7, 0), "blocking"),
    ((9, 9, 7, 1), "ok"),  # 77.8%
    ((9, 9, 6, 1), "blocking"),  # 66.7%
    ((10, None, 7, 1), "warning"),
])  # fmt: skip
def test_labour(counts, outcome):
    assert e.check_labour(labour(*counts)).outcome == outcome


def test_labour_detail_has_the_numbers():
    check = e.check_labour(labour(10, 9, 6, 0))

    assert check.detail == (
        "Chưa đạt: hoàn thành nhiệm vụ 9/10 người, chưa đạt 100%; «Lao động tiên tiến» 6/10 (60%), chưa đạt 70%; "
        "chưa có «Chiến sĩ thi đua cơ sở»."
    )


def test_labour_without_rating_warns_and_other_awards_skip():
    assert e.check_labour(facts(award_code="ttldxs", ratings={})).outcome == "warning"
    assert e.check_labour(facts()) is None


@given(total=st.integers(min_value=1, max_value=500), data=st.data())
def test_labour_seventy_percent_property(total, data):
    advanced = data.draw(st.integers(min_value=0, max_value=total))

    check = e.check_labour(labour(total, total, advanced, 1))

    assert check.outcome == ("ok" if Fraction(advanced, total) >= Fraction(7, 10) else "blocking")


# --- Government flag -----------------------------------------------------------------------------


def flag(**values) -> Facts:
    return facts(award_code="co-chinh-phu", award_name="Cờ thi đua của Chính phủ",
                 rule=rule(required_rating="HTXSNV", quota_percent=Decimal(20), quota_base="bloc_leaders"),
                 **values)  # fmt: skip


def test_leading_unit():
    assert e.check_leading(flag(leading=True)).outcome == "ok"
    assert e.check_leading(flag(leading=False)).outcome == "blocking"
    assert e.check_leading(facts(leading=False)) is None


@pytest.mark.parametrize(("blocs", "used", "outcome"), [
    (10, 2, "ok"), (10, 3, "warning"), (9, 1, "ok"), (9, 2, "warning"), (4, 0, "ok"), (4, 1, "warning"),
])  # fmt: skip
def test_province_cap(blocs, used, outcome):
    assert e.check_province_cap(flag(province_blocs=blocs, province_used=used)).outcome == outcome


def test_province_cap_only_for_bloc_leaders_base():
    assert e.check_province_cap(facts(rule=rule(quota_percent=Decimal(20)))) is None


# --- Together ------------------------------------------------------------------------------------


def test_missing_rule_set_and_rule_block():
    assert [c.code for c in e.all_checks(facts(rule_set=False, rule=None))] == ["rule", "vote", "duplicate", "dossier"]
    assert e.all_checks(facts(rule=None))[0].detail == (
        "Quy chế năm 2025 chưa quy định điều kiện cho «Bằng khen của Chủ tịch UBND tỉnh»."
    )


def test_summary():
    ok = e.Check("a", "A", "ok", "")
    warning = e.Check("b", "B", "warning", "")
    blocking = e.Check("c", "C", "blocking", "Thiếu")

    assert e.summary([]) == "ok"
    assert e.summary([ok, warning]) == "warning"
    assert e.summary([blocking, ok, warning]) == "blocking"
    assert e.blocking_messages([ok, blocking]) == ["C: Thiếu"]


# --- Translating once per list -------------------------------------------------------------------


def test_same_texts_gives_the_checks_in_the_language_of_each_block():
    from django.utils import translation

    many = [facts(ratings=rated(YEAR, rating=r)) for r in ("HTXSNV", "HTTNV", "HTXSNV")]
    with translation.override("vi"):
        each_vi = [e.all_checks(f) for f in many]
        with e.same_texts():
            once_vi = [e.all_checks(f) for f in many]
    with translation.override("en"):
        each_en = [e.all_checks(f) for f in many]
        with e.same_texts():
            once_en = [e.all_checks(f) for f in many]

    assert once_vi == each_vi
    assert once_en == each_en
    assert once_vi[1][0].label == "Xếp loại năm 2025"
    assert once_en[1][0].label == "Rating for 2025"
    assert "«Well completed tasks»" in once_en[1][0].detail
