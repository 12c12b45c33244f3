"""meetings/voting.py: thresholds on every base, quotas, counts consistency, ties, quorum — exact arithmetic."""

import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings import voting
from meetings.voting import Candidate, QuorumResult

SEVENTY = Fraction(70, 100)
TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)
QUORATE = QuorumResult(present=9, members=9, required=6, met=True, text="")


def result(votes, *, entitled=9, issued=9, returned=9, valid=9, seats=1, vote_base="entitled", threshold=SEVENTY,
           strict=False, quorum=QUORATE, quota=None):  # fmt: skip
    candidates = [Candidate(key=i, name=f"Đơn vị {i}", votes=v) for i, v in enumerate(votes, start=1)]
    return voting.ballot_result(
        candidates=candidates,
        entitled=entitled,
        issued=issued,
        returned=returned,
        valid=valid,
        seats=seats,
        vote_base=vote_base,
        threshold=threshold,
        strict=strict,
        quorum=quorum,
        quota=quota,
    )


# --- Thresholds ----------------------------------------------------------------------------------


def test_six_of_nine_fails_seventy_percent_and_seven_passes():
    assert voting.meets_threshold(votes=6, base=9, threshold=SEVENTY, strict=False) is False
    assert voting.meets_threshold(votes=7, base=9, threshold=SEVENTY, strict=False) is True


def test_two_thirds_of_nine_is_exactly_at_the_threshold():
    assert voting.share_of(6, 9) == TWO_THIRDS
    assert voting.meets_threshold(votes=6, base=9, threshold=TWO_THIRDS, strict=False) is True
    assert voting.meets_threshold(votes=6, base=9, threshold=TWO_THIRDS, strict=True) is False


def test_two_thirds_is_a_fraction_never_0_66():
    share = voting.share_of(6, 9)
    assert isinstance(share, Fraction)
    assert share != Fraction("0.66")
    assert share != Fraction("0.67")
    # 66 of 100 is 0.66, below 2/3; 67 of 100 is above it.
    assert voting.meets_threshold(votes=66, base=100, threshold=TWO_THIRDS, strict=False) is False
    assert voting.meets_threshold(votes=67, base=100, threshold=TWO_THIRDS, strict=False) is True
    assert voting.meets_threshold(votes=200, base=300, threshold=TWO_THIRDS, strict=False) is True


@pytest.mark.parametrize("threshold", [SEVENTY, TWO_THIRDS, HALF, Fraction(3, 4), Fraction(1), Fraction(0)])
@pytest.mark.parametrize("strict", [False, True])
def test_threshold_for_every_base_up_to_sixty(threshold, strict):
    num, den = threshold.numerator, threshold.denominator
    for n in range(1, 61):
        for k in range(n + 1):
            expected = k * den > num * n if strict else k * den >= num * n
            assert voting.meets_threshold(votes=k, base=n, threshold=threshold, strict=strict) is expected, (k, n)


@given(
    n=st.integers(1, 60),
    data=st.data(),
    den=st.integers(1, 100),
    strict=st.booleans(),
)
def test_threshold_any_fraction(n, data, den, strict):
    k = data.draw(st.integers(0, n))
    num = data.draw(st.integers(0, den))
    passes = voting.meets_threshold(votes=k, base=n, threshold=Fraction(num, den), strict=strict)
    assert passes is (k * den > num * n if strict else k * den >= num * n)


def test_a_zero_base_passes_no_one():
    assert voting.meets_threshold(votes=0, base=0, threshold=Fraction(0), strict=False) is False


@given(
    vote_base=st.sampled_from(["entitled", "present", "valid"]),
    entitled=st.integers(1, 60),
    data=st.data(),
    strict=st.booleans(),
    threshold=st.sampled_from([SEVENTY, TWO_THIRDS, HALF]),
)
def test_the_share_is_on_the_rule_sets_base(vote_base, entitled, data, strict, threshold):
    present = data.draw(st.integers(1, entitled))
    issued = data.draw(st.integers(0, present))
    valid = data.draw(st.integers(0, issued))
    votes = data.draw(st.lists(st.integers(0, valid), min_size=1, max_size=4))
    quorum = QuorumResult(present=present, members=entitled, required=0, met=True, text="")
    outcome = result(votes, entitled=entitled, issued=issued, returned=issued, valid=valid, seats=4,
                     vote_base=vote_base, threshold=threshold, strict=strict, quorum=quorum)  # fmt: skip
    base = {"entitled": entitled, "present": present, "valid": valid}[vote_base]
    assert outcome.base == base
    for row, k in zip(outcome.rows, votes, strict=True):
        if base == 0:
            assert (row.share, row.passed, row.share_text) == (None, False, "—")
        else:
            assert row.share == Fraction(k, base)
            assert row.passed is (Fraction(k, base) > threshold if strict else Fraction(k, base) >= threshold)
            assert row.share_text.startswith(f"{k}/{base} (")


def test_share_text_and_rule_text_read_as_the_minutes_write_them():
    outcome = result([7, 6])
    assert [row.share_text for row in outcome.rows] == ["7/9 (77,8%)", "6/9 (66,7%)"]
    assert outcome.rule_text == "Tỷ lệ tính trên tổng số thành viên có quyền bỏ phiếu (9): từ 70% trở lên"
    assert [row.passed for row in outcome.rows] == [True, False]
    assert voting.share_text(7, 10) == "7/10 (70%)"
    strict_two_thirds = result([6], vote_base="valid", valid=9, threshold=TWO_THIRDS, strict=True)
    assert strict_two_thirds.rule_text == "Tỷ lệ tính trên số phiếu hợp lệ (9): trên 2/3"


# --- Quotas --------------------------------------------------------------------------------------


def test_quota_rounds_down():
    assert voting.quota_limit(Decimal(20), None, 9) == 1
    assert voting.quota_limit(Decimal(50), None, 8) == 4
    assert voting.quota_limit(Decimal(20), None, 4) == 0
    assert voting.quota_limit(Decimal("33.33"), None, 3) == 0
    assert voting.quota_limit(Decimal(20), 1, 15) == 1
    assert voting.quota_limit(None, 2, 9) == 2
    assert voting.quota_limit(None, None, 9) is None


@given(
    hundredths=st.integers(0, 10000),
    base=st.integers(0, 200),
    count=st.one_of(st.none(), st.integers(0, 20)),
)
def test_quota_is_the_floor_of_percent_times_base_for_every_percent_and_base(hundredths, base, count):
    percent = Decimal(hundredths) / 100  # 0.00% … 100.00%, as the rule set stores it
    limit = voting.quota_limit(percent, count, base)
    by_percent = hundredths * base // 10000  # exact integer floor
    assert by_percent * 10000 <= hundredths * base < (by_percent + 1) * 10000
    assert limit == (by_percent if count is None else min(by_percent, count))


def test_quota_check_on_the_number_chosen():
    assert result([9, 8], seats=2, quota=1).quota_ok is False
    assert result([9, 8], seats=2, quota=1).quota_message == "Số đơn vị được chọn (2) vượt chỉ tiêu (tối đa 1)."
    assert result([9, 8], seats=2, quota=2).quota_message == "Số đơn vị được chọn: 2, trong chỉ tiêu (tối đa 2)."
    assert (result([9], quota=None).quota_ok, result([9], quota=None).quota_message) == (True, "")


# --- Counts consistency --------------------------------------------------------------------------

LABEL = {
    "entitled": "số thành viên có quyền bỏ phiếu",
    "issued": "số phiếu phát ra",
    "returned": "số phiếu thu về",
    "valid": "số phiếu hợp lệ",
}


def expected_problems(entitled, issued, returned, valid, votes, seats, present):
    """The rules of the issue, written out one by one (all counts given)."""
    out = []
    if entitled == 0:
        out.append(("entitled", "Số thành viên có quyền bỏ phiếu phải lớn hơn 0."))
    if issued > entitled:
        out.append(("issued", f"Số phiếu phát ra ({issued}) lớn hơn số thành viên có quyền bỏ phiếu ({entitled})."))
    if present is not None and issued > present:
        out.append(
            ("issued", f"Số phiếu phát ra ({issued}) lớn hơn số thành viên có mặt ({present}) theo danh sách dự họp.")
        )
    if returned > issued:
        out.append(("returned", f"Số phiếu thu về ({returned}) lớn hơn số phiếu phát ra ({issued})."))
    if valid > returned:
        out.append(("valid", f"Số phiếu hợp lệ ({valid}) lớn hơn số phiếu thu về ({returned})."))
    for key, v in enumerate(votes, start=1):
        if v > valid:
            out.append((f"votes_{key}", f"Số phiếu bầu cho Đơn vị {key} ({v}) lớn hơn số phiếu hợp lệ ({valid})."))
    if sum(votes) > valid * seats:
        out.append(
            (
                "votes",
                f"Tổng số phiếu bầu cho các đơn vị ({sum(votes)}) lớn hơn số phiếu hợp lệ × số được chọn tối đa "
                f"({valid} × {seats} = {valid * seats}): mỗi phiếu chỉ được chọn tối đa {seats} đơn vị.",
            )
        )
    return out


@given(
    entitled=st.integers(0, 15),
    issued=st.integers(0, 15),
    returned=st.integers(0, 15),
    valid=st.integers(0, 15),
    votes=st.lists(st.integers(0, 15), min_size=1, max_size=5),
    seats=st.integers(1, 3),
    present=st.one_of(st.none(), st.integers(0, 15)),
)
def test_counts_are_consistent_or_every_problem_is_listed(entitled, issued, returned, valid, votes, seats, present):
    candidates = [Candidate(key=i, name=f"Đơn vị {i}", votes=v) for i, v in enumerate(votes, start=1)]
    problems = voting.check_counts(entitled=entitled, issued=issued, returned=returned, valid=valid,
                                   candidates=candidates, seats=seats, present=present)  # fmt: skip
    assert [(p.field, p.message) for p in problems] == expected_problems(
        entitled, issued, returned, valid, votes, seats, present
    )
    consistent = (
        entitled > 0
        and returned <= issued <= entitled
        and (present is None or issued <= present)
        and valid <= returned
        and all(v <= valid for v in votes)
        and sum(votes) <= valid * seats
    )
    assert (problems == []) is consistent


@given(
    counts=st.tuples(*[st.one_of(st.none(), st.integers(0, 12)) for _ in range(3)]),
    entitled=st.integers(1, 12),
    votes=st.lists(st.one_of(st.none(), st.integers(0, 12)), min_size=1, max_size=4),
)
def test_a_blank_count_is_skipped_and_the_next_compared_with_the_nearest_given(counts, entitled, votes):
    issued, returned, valid = counts
    candidates = [Candidate(key=i, name=f"Đơn vị {i}", votes=v) for i, v in enumerate(votes, start=1)]
    problems = voting.check_counts(entitled=entitled, issued=issued, returned=returned, valid=valid,
                                   candidates=candidates, seats=1)  # fmt: skip
    chain = [("entitled", entitled)] + [(n, v) for n, v in zip(("issued", "returned", "valid"), counts, strict=True)
                                        if v is not None]  # fmt: skip
    expected = []
    for (upper_name, upper), (name, value) in itertools.pairwise(chain):
        if value > upper:
            expected.append(f"{LABEL[name].capitalize()} ({value}) lớn hơn {LABEL[upper_name]} ({upper}).")
    last_name, last = chain[-1]
    given_votes = [(i, v) for i, v in enumerate(votes, start=1) if v is not None]
    expected += [f"Số phiếu bầu cho Đơn vị {i} ({v}) lớn hơn {LABEL[last_name]} ({last})." for i, v in given_votes
                 if v > last]  # fmt: skip
    total = sum(v for _i, v in given_votes)
    if total > last:
        expected.append(
            f"Tổng số phiếu bầu cho các đơn vị ({total}) lớn hơn {LABEL[last_name]} × số được chọn tối đa "
            f"({last} × 1 = {last}): mỗi phiếu chỉ được chọn tối đa 1 đơn vị."
        )
    assert [p.message for p in problems] == expected


def test_negative_counts_are_refused_before_anything_else():
    candidates = [Candidate(key=1, name="Sở Tư pháp", votes=-1)]
    problems = voting.check_counts(entitled=9, issued=-2, returned=None, valid=None, candidates=candidates, seats=1)
    assert [(p.field, p.message) for p in problems] == [
        ("issued", "Số phiếu phát ra không được là số âm."),
        ("votes_1", "Số phiếu bầu cho Sở Tư pháp không được là số âm."),
    ]


def test_impossible_counts_make_the_ballot_invalid():
    outcome = result([10], valid=9, seats=2)
    assert outcome.valid is False
    assert outcome.reasons == [
        "Số liệu kiểm phiếu không hợp lý: Số phiếu bầu cho Đơn vị 1 (10) lớn hơn số phiếu hợp lệ (9)."
    ]


def test_missing_counts_make_the_ballot_not_yet_valid():
    outcome = result([7, None], issued=None)
    assert outcome.valid is False
    assert outcome.reasons == ["Chưa nhập đủ số liệu kiểm phiếu (còn thiếu: số phiếu phát ra, số phiếu của Đơn vị 2)."]


def test_a_ballot_with_no_count_yet_says_only_that():
    outcome = result([None, None], issued=None, returned=None, valid=None)
    assert (outcome.valid, outcome.counted, outcome.reasons) == (False, False, ["Chưa nhập số liệu kiểm phiếu."])


# --- Ties and the chosen -------------------------------------------------------------------------


def test_tie_at_the_last_place_chooses_none_of_the_tied():
    twelve = {"entitled": 12, "issued": 12, "returned": 12, "valid": 12}
    quorum = QuorumResult(present=12, members=12, required=8, met=True, text="")
    outcome = result([8, 7, 7], seats=2, threshold=HALF, quorum=quorum, **twelve)
    assert [(r.votes, r.passed, r.chosen, r.tie) for r in outcome.rows] == [
        (8, True, True, False),
        (7, True, False, True),
        (7, True, False, True),
    ]
    assert [r.key for r in outcome.chosen] == [1]
    assert [r.key for r in outcome.tied] == [2, 3]
    assert outcome.tie_text == (
        "Đồng phiếu ở vị trí cuối: Đơn vị 2, Đơn vị 3 (7 phiếu). Chưa đơn vị nào trong số này được chọn; "
        "hội nghị cần bỏ phiếu lại hoặc quyết định theo quy chế."
    )
    assert outcome.valid is True


def test_a_tie_within_the_seats_is_no_tie():
    outcome = result([7, 9, 7], seats=3)
    assert [r.key for r in outcome.chosen] == [2, 1, 3]
    assert outcome.tied == []


def test_only_passed_candidates_are_chosen_and_by_votes():
    outcome = result([7, 9, 6, 8], seats=4)
    assert [r.key for r in outcome.chosen] == [2, 4, 1]
    assert [r.passed for r in outcome.rows] == [True, True, False, True]


@given(votes=st.lists(st.integers(0, 9), min_size=0, max_size=8), seats=st.integers(1, 4))
def test_choose_never_exceeds_the_seats_nor_picks_among_the_tied(votes, seats):
    rows = list(enumerate(votes))
    chosen, tied = voting.choose(rows, seats)
    by_key = dict(rows)
    assert len(chosen) <= seats
    assert not set(chosen) & set(tied)
    if tied:
        last = by_key[tied[0]]
        assert len(chosen) + len(tied) > seats
        assert all(by_key[k] == last for k in tied)
        assert all(by_key[k] > last for k in chosen)
        assert sorted(tied) == sorted(k for k, v in rows if v == last)
    else:
        assert len(chosen) == min(seats, len(rows))
        outside = [v for k, v in rows if k not in chosen]
        assert all(by_key[k] > v for k in chosen for v in outside)


# --- Quorum --------------------------------------------------------------------------------------


def test_quorum_is_the_ceiling_of_the_fraction_of_members():
    assert voting.quorum_check(present=6, members=9, quorum=TWO_THIRDS).required == 6
    assert voting.quorum_check(present=6, members=10, quorum=TWO_THIRDS).required == 7
    assert voting.quorum_check(present=6, members=10, quorum=TWO_THIRDS).met is False
    assert voting.quorum_check(present=7, members=10, quorum=TWO_THIRDS).met is True


@given(members=st.integers(1, 60), present=st.integers(0, 60), num=st.integers(0, 20), den=st.integers(1, 20))
def test_quorum_met_exactly_when_the_present_share_reaches_the_rule(members, present, num, den):
    quorum = Fraction(min(num, den), den)
    outcome = voting.quorum_check(present=present, members=members, quorum=quorum)
    assert outcome.met is (Fraction(present, members) >= quorum)
    assert Fraction(outcome.required, members) >= quorum
    assert outcome.required == 0 or Fraction(outcome.required - 1, members) < quorum


def test_quorum_texts():
    assert voting.quorum_check(present=None, members=9, quorum=TWO_THIRDS).text == "Chưa ghi danh sách dự họp."
    assert voting.quorum_check(present=7, members=9, quorum=TWO_THIRDS).text == (
        "Có mặt 7/9 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên (tối thiểu 6): đủ số lượng."
    )
    assert voting.quorum_check(present=5, members=9, quorum=TWO_THIRDS).text == (
        "Có mặt 5/9 đơn vị thành viên; quy chế yêu cầu từ 2/3 tổng số thành viên trở lên (tối thiểu 6): không đủ số "
        "lượng, các phiếu bầu tại hội nghị không hợp lệ."
    )


def test_attendance_quorum_counts_the_members_present():
    members = {1, 2, 3, 4, 5, 6, 7, 8, 9}
    rows = [(unit, unit <= 6) for unit in range(1, 10)]
    met = voting.attendance_quorum(members=members, attendance=rows, quorum=TWO_THIRDS)
    assert (met.present, met.members, met.required, met.met) == (6, 9, 6, True)
    # A unit recorded as present that is not a member of the bloc-year does not count.
    short = voting.attendance_quorum(members=members, attendance=[*rows[1:], (42, True)], quorum=TWO_THIRDS)
    assert (short.present, short.members, short.met) == (5, 9, False)


def test_attendance_quorum_without_rows_is_not_recorded_and_all_absent_is_zero():
    members = {1, 2, 3}
    unrecorded = voting.attendance_quorum(members=members, attendance=[], quorum=TWO_THIRDS)
    assert (unrecorded.recorded, unrecorded.present, unrecorded.text) == (False, None, "Chưa ghi danh sách dự họp.")
    absent = voting.attendance_quorum(members=members, attendance=iter([(1, False), (2, False)]), quorum=TWO_THIRDS)
    assert (absent.recorded, absent.present, absent.met) == (True, 0, False)
    no_rule = voting.attendance_quorum(members=members, attendance=[(1, True)], quorum=None)
    assert (no_rule.present, no_rule.required, no_rule.met) == (1, None, False)


def test_a_ballot_below_quorum_is_invalid():
    below = voting.quorum_check(present=5, members=9, quorum=TWO_THIRDS)
    outcome = result([5, 4], seats=2, quorum=below, issued=5, returned=5, valid=5, vote_base="present")
    assert [(r.share_text, r.passed, r.chosen) for r in outcome.rows] == [("5/5 (100%)", True, True),
                                                                         ("4/5 (80%)", True, True)]  # fmt: skip
    assert outcome.valid is False
    assert outcome.reasons == [below.text]


def test_a_ballot_without_attendance_is_not_yet_valid():
    unknown = voting.quorum_check(present=None, members=9, quorum=TWO_THIRDS)
    outcome = result([9], quorum=unknown)
    assert outcome.valid is False
    assert outcome.reasons == [
        "Chưa ghi danh sách dự họp: chưa xác định được hội nghị có đủ số lượng thành viên dự họp."
    ]
