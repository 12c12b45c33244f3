"""blocs/scoring.py: reading and checking one value, and a unit's totals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from blocs.scoring import CriterionSpec, check_score, parse_score, totals

NORMAL = CriterionSpec(pk=1, kind="normal", max_points=Decimal(10), top_group=100)
BONUS_A = CriterionSpec(pk=2, kind="bonus", max_points=Decimal(3))
BONUS_B = CriterionSpec(pk=3, kind="bonus", max_points=Decimal(2))
PENALTY = CriterionSpec(pk=4, kind="penalty", max_points=Decimal(5))
STEP = Decimal("0.5")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("7,5", Decimal("7.5")), ("7.5", Decimal("7.5")), (" 8 ", Decimal(8)), ("−1", Decimal(-1)), ("", None),
     (None, None), (3, Decimal(3))],
)  # fmt: skip
def test_parse_score_reads_what_people_type(raw, value):
    assert parse_score(raw) == value


@pytest.mark.parametrize("raw", ["abc", "7,5,1", True, "nan", "inf"])
def test_parse_score_refuses_what_is_not_a_number(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse_score(raw)
    assert excinfo.value.code == "not_a_number"


@pytest.mark.parametrize(
    ("criterion", "value", "message"),
    [
        (NORMAL, Decimal("10.5"), "Vượt điểm tối đa: tối đa 10, đã nhập 10,5."),
        (NORMAL, Decimal(-1), "Điểm không được âm (-1); điểm trừ nhập ở mục điểm trừ."),
        (PENALTY, Decimal(1), "Điểm trừ phải là số âm hoặc 0 (ví dụ -1), không được là 1."),
        (PENALTY, Decimal(-6), "Điểm trừ tối đa của mục này là -5; không được -6."),
        (NORMAL, Decimal("7.3"), "Điểm phải chia hết cho bước 0,5 (ví dụ 7 hoặc 7,5)."),
        (PENALTY, Decimal("-1.3"), "Điểm phải chia hết cho bước 0,5 (ví dụ -1,5 hoặc -1)."),
    ],
)
def test_check_score_gives_the_reason(criterion, value, message):
    with pytest.raises(ValidationError) as excinfo:
        check_score(criterion, value, STEP)
    assert excinfo.value.messages == [message]


def test_totals_cap_the_bonus_and_add_penalties():
    result = totals([NORMAL, BONUS_A, BONUS_B, PENALTY], {1: Decimal(9), 2: Decimal(3), 3: Decimal(2), 4: Decimal(-1)},
                    bonus_cap=Decimal(4))  # fmt: skip
    assert (result.base, result.bonus, result.penalty, result.total) == (
        Decimal(9),
        Decimal(4),
        Decimal(-1),
        Decimal(12),
    )
    assert result.by_group == {100: Decimal(9)}
    assert result.scored == 4


@given(st.integers(min_value=0, max_value=20))
def test_every_half_point_within_the_maximum_is_accepted(halves):
    value = Decimal(halves) / 2
    assert check_score(NORMAL, value, STEP) == value
