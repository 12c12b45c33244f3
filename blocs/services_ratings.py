"""Task-completion ratings (xếp loại) of a bloc's member units: reading the year's table, saving it.

A rating belongs to the unit (award checks look back years, whatever bloc the unit was in), but it
is entered by the bloc the unit belongs to that year, so a closed bloc-year makes it read-only.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import Bloc, Membership
from blocs.services_year import ensure_year_open
from units.models import AnnualRating, Rating, Unit
from units.text import clean_text

STAFF_FIELDS = ("staff_total", "staff_completed", "staff_advanced", "staff_emulation_fighters")
VALUE_FIELDS = ("rating", *STAFF_FIELDS, "note")
LOOK_BACK = 2  # earlier years shown beside each unit: awards ask for two consecutive years and more

STAFF_LABELS = {
    "staff_total": gettext_lazy("Tổng số người"),
    "staff_completed": gettext_lazy("Số hoàn thành nhiệm vụ"),
    "staff_advanced": gettext_lazy("Số Lao động tiên tiến"),
    "staff_emulation_fighters": gettext_lazy("Số Chiến sĩ thi đua cơ sở"),
}


def staff_count_errors(values: dict[str, int | None]) -> dict[str, str]:
    """What is wrong with a row's staff counts, by field, in Vietnamese (the database checks the same)."""
    errors: dict[str, str] = {}
    for name in STAFF_FIELDS:
        value = values.get(name)
        if value is not None and value < 0:
            errors[name] = _("Số người không được âm.")
    total, completed = values.get("staff_total"), values.get("staff_completed")
    advanced, fighters = values.get("staff_advanced"), values.get("staff_emulation_fighters")

    def known(*numbers):
        return all(n is not None and n >= 0 for n in numbers)

    if known(total, completed) and completed > total:
        errors["staff_completed"] = _("Số hoàn thành nhiệm vụ (%(n)s) không được lớn hơn tổng số người (%(t)s).") % {
            "n": completed,
            "t": total,
        }
    if known(total, advanced) and advanced > total:
        errors["staff_advanced"] = _("Số Lao động tiên tiến (%(n)s) không được lớn hơn tổng số người (%(t)s).") % {
            "n": advanced,
            "t": total,
        }
    if known(advanced, fighters) and fighters > advanced:
        errors["staff_emulation_fighters"] = _(
            "Số Chiến sĩ thi đua cơ sở (%(n)s) không được lớn hơn số Lao động tiên tiến (%(a)s)."
        ) % {"n": fighters, "a": advanced}
    return errors


# --- Reading ------------------------------------------------------------------------------------


@dataclass
class RatingRow:
    """A member unit, its rating of the year (None if not rated yet) and those of earlier years."""

    membership: Membership
    current: AnnualRating | None
    earlier: list[tuple[int, AnnualRating | None]]  # (year, rating), most recent first

    @property
    def unit(self) -> Unit:
        return self.membership.unit


def ratings_table(*, bloc: Bloc, year: int) -> list[RatingRow]:
    """The year's member units (head, deputy, then Vietnamese order) with their ratings: two queries."""
    order = {"head": 0, "deputy": 1, "member": 2}
    memberships = sorted(
        Membership.objects.filter(bloc=bloc, year=year).select_related("unit"),
        key=lambda m: (order.get(m.role, 3), m.unit.sort_key, m.unit.pk),
    )
    years = [year - back for back in range(LOOK_BACK + 1)]
    ratings = AnnualRating.objects.filter(unit_id__in=[m.unit_id for m in memberships], year__in=years)
    by_key = {(r.unit_id, r.year): r for r in ratings}
    return [
        RatingRow(m, by_key.get((m.unit_id, year)), [(y, by_key.get((m.unit_id, y))) for y in years[1:]])
        for m in memberships
    ]


@dataclass
class RatingEvent:
    when: datetime
    who: str
    action: str
    unit: str
    rating: str


def ratings_history(*, unit_ids: Sequence[int], year: int, limit: int = 30) -> list[RatingEvent]:
    """Who created, changed or removed which unit's rating of the year, newest first (one query)."""
    actions = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}
    records = (
        AnnualRating.history.filter(unit_id__in=unit_ids, year=year)
        .select_related("history_user", "unit")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        RatingEvent(
            when=r.history_date,
            who=str(r.history_user) if r.history_user else _("Hệ thống"),
            action=actions.get(r.history_type, ""),
            unit=r.unit.name,
            rating=r.rating,
        )
        for r in records
    ]


# --- Writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    """One row as the user left it. `version` is the version they loaded (None: there was no rating)."""

    unit_id: int
    version: int | None
    rating: str = ""
    staff_total: int | None = None
    staff_completed: int | None = None
    staff_advanced: int | None = None
    staff_emulation_fighters: int | None = None
    note: str = ""

    def values(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in VALUE_FIELDS}

    @property
    def blank(self) -> bool:
        return not self.rating and not self.note.strip() and all(getattr(self, n) is None for n in STAFF_FIELDS)


class RatingConflict(Exception):
    """Someone saved (or removed) some of these ratings since the form was loaded; nothing was written.

    `current` maps each conflicting unit id to its rating as stored now (None: removed).
    """

    def __init__(self, current: dict[int, AnnualRating | None]):
        super().__init__(sorted(current))
        self.current = current


@dataclass
class RatingsTally:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def ratings_save(*, bloc: Bloc, year: int, rows: Sequence[RatingInput], user=None) -> RatingsTally:
    """Save the rows of a bloc's rating table in one transaction, or nothing.

    A blank row removes the unit's rating (if it had one). Raises ValidationError (closed year,
    a unit not in the bloc that year, bad counts, the database refusing) or RatingConflict.
    """
    try:
        with transaction.atomic():
            return _save(bloc=bloc, year=year, rows=rows, user=user)
    except IntegrityError as exc:  # a rating created by someone else meanwhile, or a count rule
        raise ValidationError(
            _(
                "Không lưu được: dữ liệu vừa bị người khác thay đổi hoặc số liệu không hợp lệ. "
                "Chưa có gì được ghi; hãy tải lại trang rồi nhập lại."
            ),
            code="integrity",
        ) from exc


def _save(*, bloc: Bloc, year: int, rows: Sequence[RatingInput], user) -> RatingsTally:
    ensure_year_open(bloc=bloc, year=year)
    unit_ids = [row.unit_id for row in rows]
    members = dict(
        Membership.objects.filter(bloc=bloc, year=year, unit_id__in=unit_ids).values_list("unit_id", "unit__name")
    )
    _check_rows(rows, members, year)
    existing = {r.unit_id: r for r in AnnualRating.objects.select_for_update().filter(unit_id__in=unit_ids, year=year)}
    conflicts = {
        row.unit_id: existing.get(row.unit_id)
        for row in rows
        if (existing[row.unit_id].version if row.unit_id in existing else None) != (row.version or None)
    }
    if conflicts:
        raise RatingConflict(conflicts)
    tally = RatingsTally()
    for row in rows:
        outcome = rating_write(current=existing.get(row.unit_id), unit_id=row.unit_id, year=year, row=row, user=user)
        setattr(tally, outcome, getattr(tally, outcome) + 1)
    return tally


def _check_rows(rows: Sequence[RatingInput], members: dict[int, str], year: int) -> None:
    problems = []
    for row in rows:
        if row.unit_id not in members:
            problems.append(_("Đơn vị mã số %(id)s không thuộc khối năm %(year)s.") % {"id": row.unit_id, "year": year})
            continue
        name = members[row.unit_id]
        if row.rating and row.rating not in Rating.values:
            problems.append(_("%(unit)s: xếp loại «%(value)s» không hợp lệ.") % {"unit": name, "value": row.rating})
        if not row.rating and not row.blank:
            problems.append(_("%(unit)s: chọn xếp loại, hoặc để trống cả dòng.") % {"unit": name})
        for message in staff_count_errors(row.values()).values():
            problems.append(f"{name}: {message}")
    if problems:
        raise ValidationError(problems)


def rating_write(*, current: AnnualRating | None, unit_id: int, year: int, row: RatingInput, user=None,
                 reason: str = "") -> str:  # fmt: skip
    """Create, update, delete or leave one rating; returns which ("created", "updated", "deleted",
    "unchanged"). Unchanged rows are not saved, so saving the same values again adds no history."""
    values = {**row.values(), "note": clean_text(row.note)}
    if row.blank:
        if current is None:
            return "unchanged"
        _stamp(current, user, reason)
        current.delete()
        return "deleted"
    if current is None:
        rating = AnnualRating(unit_id=unit_id, year=year, **values)
        _stamp(rating, user, reason)
        rating.save()
        return "created"
    if all(getattr(current, name) == value for name, value in values.items()):
        return "unchanged"
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    _stamp(current, user, reason)
    current.save()
    return "updated"


def _stamp(rating: AnnualRating, user, reason: str) -> None:
    if user is not None and user.is_authenticated:
        rating._history_user = user
    if reason:
        rating._change_reason = reason[:100]


@dataclass
class ConflictView:
    """A conflicting row as the page tells it: what the other person saved, field by field."""

    unit_id: int
    removed: bool
    values: list[tuple[str, str]] = field(default_factory=list)
    version: int | None = None


def conflict_view(unit_id: int, current: AnnualRating | None) -> ConflictView:
    if current is None:
        return ConflictView(unit_id, removed=True)
    values = [(str(_("Xếp loại")), current.get_rating_display())]
    values += [(str(STAFF_LABELS[n]), _show(getattr(current, n))) for n in STAFF_FIELDS]
    values.append((str(_("Ghi chú")), current.note or "—"))
    return ConflictView(unit_id, removed=False, values=values, version=current.version)


def _show(value) -> str:
    return "—" if value is None else str(value)
