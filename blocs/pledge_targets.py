"""Whether each target of a bloc's pledge is met: pure arithmetic on counts, no database.

The view counts, in a handful of queries, how many member units signed the pledge, were rated,
registered titles; `facts_from` turns those records into `MemberFacts` and `evaluate` judges one
target. Shares are exact fractions, compared exactly (7 of 9 units is 77.77…%, which meets 77.7%
and fails 77.8%); only the text rounds, to one decimal, half up, with a decimal comma.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

# The same values as blocs.models.TargetKind / TargetMeasure and units.models.Rating: repeated here
# so this module stays free of Django models.
PERCENT, COUNT, YES_NO = "percent", "count", "yes_no"
MANUAL, SIGNED, HTXSNV, HTTNV_PLUS, REGISTERED, TTLDXS = (
    "manual",
    "signed",
    "htxsnv",
    "httnv_plus",
    "registered",
    "ttldxs",
)
RATING_MEASURES = (HTXSNV, HTTNV_PLUS)
TTLDXS_CODE = "ttldxs"

MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"


@dataclass(frozen=True)
class MemberFacts:
    """How many of the year's member units satisfy each measure."""

    members: int
    signed: int = 0
    rated: int = 0  # have a rating for the year at all
    htxsnv: int = 0
    httnv_plus: int = 0
    registered: int = 0
    ttldxs: int = 0

    def count_for(self, measure: str) -> int:
        return getattr(self, measure)


def facts_from(
    *,
    member_ids: Iterable[int],
    signed_ids: Iterable[int],
    ratings: dict[int, str],
    registrations: Iterable[tuple[int, str]],
) -> MemberFacts:
    """Count, among the member units only, those that signed, were rated, registered.

    `ratings` maps unit id to its rating code for the year; `registrations` lists (unit id, award
    type code) pairs. Records of units that are not members this year are ignored.
    """
    members = set(member_ids)
    rated = {unit for unit, rating in ratings.items() if unit in members and rating}
    registered: set[int] = set()
    ttldxs: set[int] = set()
    for unit, code in registrations:
        if unit in members:
            registered.add(unit)
            if code == TTLDXS_CODE:
                ttldxs.add(unit)
    return MemberFacts(
        members=len(members),
        signed=len(members & set(signed_ids)),
        rated=len(rated),
        htxsnv=sum(1 for unit in rated if ratings[unit] == "HTXSNV"),
        httnv_plus=sum(1 for unit in rated if ratings[unit] in ("HTXSNV", "HTTNV")),
        registered=len(registered),
        ttldxs=len(ttldxs),
    )


@dataclass(frozen=True)
class TargetResult:
    status: str  # MET, NOT_MET or NO_DATA
    achieved: Fraction | None  # in the target's unit: a percentage, a count, or 1/0 for yes/no
    detail: str  # the numbers behind it, e.g. "7/9 đơn vị (77,8%)"

    @property
    def label(self) -> str:
        return {MET: _("Đạt"), NOT_MET: _("Chưa đạt"), NO_DATA: _("Chưa có số liệu")}[self.status]


def evaluate(
    *, kind: str, measure: str, target_value: Decimal, manual_value: Decimal | None, facts: MemberFacts
) -> TargetResult:
    """Judge one target against the year's facts.

    percent: met when the achieved share × 100 ≥ the target; count: when the number ≥ the target;
    yes/no: for a manual value when it is ≥ 1, for a computed measure when every member satisfies it.
    """
    target = Fraction(target_value)
    if measure == MANUAL:
        return _evaluate_manual(kind, target, manual_value)
    if facts.members == 0:
        return TargetResult(NO_DATA, None, _("Khối chưa có thành viên trong năm."))
    if measure in RATING_MEASURES and facts.rated == 0:
        return TargetResult(NO_DATA, None, _("Chưa có đơn vị nào được xếp loại trong năm."))
    count, members = facts.count_for(measure), facts.members
    share = Fraction(count, members) * 100
    detail = _("%(count)s/%(members)s đơn vị (%(share)s%%)") % {
        "count": count,
        "members": members,
        "share": percent_text(share),
    }
    if measure in RATING_MEASURES and facts.rated < members:
        detail += "; " + _("%(rated)s/%(members)s đơn vị đã có xếp loại") % {"rated": facts.rated, "members": members}
    if kind == PERCENT:
        achieved, met = share, share >= target
    elif kind == COUNT:
        achieved, met = Fraction(count), count >= target
    else:
        achieved = Fraction(1 if count == members else 0)
        met = count == members
    return TargetResult(MET if met else NOT_MET, achieved, detail)


def _evaluate_manual(kind: str, target: Fraction, manual_value: Decimal | None) -> TargetResult:
    if manual_value is None:
        return TargetResult(NO_DATA, None, _("Chưa nhập kết quả."))
    value = Fraction(manual_value)
    if kind == PERCENT:
        return TargetResult(MET if value >= target else NOT_MET, value, percent_text(value) + "%")
    if kind == COUNT:
        return TargetResult(MET if value >= target else NOT_MET, value, number_text(manual_value))
    met = value >= 1
    return TargetResult(MET if met else NOT_MET, value, _("Có") if met else _("Không"))


def target_text(*, kind: str, target_value: Decimal) -> str:
    """The target as the pledge states it: "70%", "3", "Có"."""
    if kind == PERCENT:
        return number_text(target_value) + "%"
    if kind == COUNT:
        return number_text(target_value)
    return _("Có")


def percent_text(value: Fraction) -> str:
    """One decimal, rounded half up, decimal comma: 200/3 -> "66,7", 70 -> "70,0"."""
    tenths = int((value * 10 + Fraction(1, 2)) // 1)
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    return f"{sign}{_group(whole)},{tenth}"


def number_text(value: Decimal | int) -> str:
    """Vietnamese number format without needless zeros: 12.50 -> "12,5", 1500 -> "1.500"."""
    value = Decimal(value)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{sign}{_group(int(whole))}" + (f",{fraction}" if fraction else "")


def _group(whole: int) -> str:
    return f"{whole:,}".replace(",", ".")
