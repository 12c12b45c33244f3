"""Scores: checking one value, and a unit's totals. Pure functions, no database.

A table's scored criteria are normal items (0..max), bonus items (0..max, their sum capped by the
table's bonus cap) and penalty items (-max..0). Group nodes only hold other criteria.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BONUS, PENALTY, GROUP = "bonus", "penalty", "group"


@dataclass(frozen=True)
class CriterionSpec:
    """What the arithmetic needs of a criterion."""

    pk: int
    kind: str
    max_points: Decimal
    top_group: int | None = None  # pk of the top-level group it belongs to


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def parse_score(raw: str | Decimal | int | float | None) -> Decimal | None:
    """Read a typed score: "7,5" and "7.5" both mean 7.5; empty means no score. Raises on text."""
    if raw is None:
        return None
    if isinstance(raw, bool):  # an Excel TRUE/FALSE cell is not a score
        raise ValidationError(_("«%(raw)s» không phải là số.") % {"raw": raw}, code="not_a_number")
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "")
    if text == "":
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    text = text.replace("\u2212", "-")  # a typographic minus sign, as Word and Excel write it
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("«%(raw)s» không phải là số.") % {"raw": raw}, code="not_a_number") from None
    if not value.is_finite():
        raise ValidationError(_("«%(raw)s» không phải là số.") % {"raw": raw}, code="not_a_number")
    return value


def check_score(criterion: CriterionSpec, value: Decimal | None, step: Decimal) -> Decimal | None:
    """The value if it is allowed for this criterion, else ValidationError with the reason in Vietnamese."""
    if value is None:
        return None
    if criterion.kind == GROUP:
        raise ValidationError(_("Nhóm tiêu chí không chấm điểm trực tiếp."), code="group")
    top = criterion.max_points
    if criterion.kind == PENALTY:
        if value > 0:
            raise ValidationError(
                _("Điểm trừ phải là số âm hoặc 0 (ví dụ -1), không được là %(v)s.") % {"v": _fmt(value)},
                code="penalty_positive",
            )
        if value < -top:
            raise ValidationError(
                _("Điểm trừ tối đa của mục này là -%(m)s; không được %(v)s.") % {"m": _fmt(top), "v": _fmt(value)},
                code="penalty_over",
            )
    else:
        if value < 0:
            raise ValidationError(
                _("Điểm không được âm (%(v)s); điểm trừ nhập ở mục điểm trừ.") % {"v": _fmt(value)}, code="negative"
            )
        if value > top:
            raise ValidationError(
                _("Vượt điểm tối đa: tối đa %(m)s, đã nhập %(v)s.") % {"m": _fmt(top), "v": _fmt(value)},
                code="over_max",
            )
    if step and (value / step) % 1 != 0:
        raise ValidationError(
            _("Điểm phải chia hết cho bước %(s)s (ví dụ %(a)s hoặc %(b)s).")
            % {"s": _fmt(step), "a": _fmt(_floor_to(value, step)), "b": _fmt(_floor_to(value, step) + step)},
            code="step",
        )
    return value


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    """The multiple of `step` at or below `value` (towards minus infinity, also for penalties)."""
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def check_bonus_total(bonus_sum: Decimal, cap: Decimal) -> None:
    """Bonus items together may not exceed the table's cap."""
    if bonus_sum > cap:
        raise ValidationError(
            _("Tổng điểm thưởng %(v)s vượt mức tối đa %(m)s của bảng điểm.") % {"v": _fmt(bonus_sum), "m": _fmt(cap)},
            code="bonus_cap",
        )


@dataclass
class Totals:
    """A unit's totals for one kind of value (self or assessed)."""

    base: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    penalty: Decimal = Decimal(0)
    by_group: dict[int, Decimal] = field(default_factory=dict)
    scored: int = 0  # how many criteria have a value

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus + self.penalty


def totals(criteria: Iterable[CriterionSpec], values: Mapping[int, Decimal | None], bonus_cap: Decimal) -> Totals:
    """Sum one unit's values: normal items, bonus capped, penalties (negative) added. (Sums kept in locals: a
    grid or a ranking adds 40 criteria for each of its units and kinds.)"""
    base = bonus = penalty = Decimal(0)
    by_group: dict[int, Decimal] = {}
    scored = 0
    for criterion in criteria:
        value = values.get(criterion.pk)
        kind = criterion.kind
        if value is None or kind == GROUP:
            continue
        scored += 1
        if kind == BONUS:
            bonus += value
        elif kind == PENALTY:
            penalty += value
        else:
            base += value
            if criterion.top_group is not None:
                by_group[criterion.top_group] = by_group.get(criterion.top_group, Decimal(0)) + value
    return Totals(base=base, bonus=min(bonus, bonus_cap), penalty=penalty, by_group=by_group, scored=scored)
