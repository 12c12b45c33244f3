"""Scores of a bloc's year: writing one cell (the grid), many cells at once (the whole grid form,
an Excel upload), and reading the grid in a fixed number of queries.

Every value has its own version column (self, assessed, note), so two people typing into the
same cell are caught — the second is refused and told what the first saved — while an officer's
self score and the secretariat's assessment of the same criterion never block each other.
A write that would not change the stored value is not a write: no version bump, no history row,
and no conflict either, since nothing the user typed would be lost.
"""

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Criterion, CriterionKind, Membership, RuleSet, Score, ScoringTable
from blocs.scoring import CriterionSpec, Totals, check_bonus_total, check_score, parse_score, totals
from blocs.services_scoring import scored_criteria
from blocs.services_year import ensure_year_open
from units.prepared import Prepared
from units.text import clean_text

SELF, ASSESSED, NOTE = "self", "assessed", "note"
# field -> (value column, version column)
FIELDS: dict[str, tuple[str, str]] = {
    SELF: ("self_value", "self_version"),
    ASSESSED: ("assessed_value", "assessed_version"),
    NOTE: ("note", "note_version"),
}
VALUE_FIELDS = (SELF, ASSESSED)
DEFAULT_STEP = Decimal("0.5")
NOTE_MAX_LENGTH = Score._meta.get_field("note").max_length


def score_step(year: int) -> Decimal:
    """The year's score step from its rule set (quy chế); 0.5 when the year has none."""
    step = RuleSet.objects.filter(year=year).values_list("score_step", flat=True).first()
    return step if step is not None else DEFAULT_STEP


def show_value(value: Decimal | str | None) -> str:
    """A score as people write it here: 7,5 and 10 (not 7.50, 10.00); empty for no value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value.normalize():f}".replace(".", ",")


def criterion_spec(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(
        pk=criterion.pk,
        kind=criterion.kind,
        max_points=criterion.max_points,
        top_group=getattr(criterion, "top_group_id", None),
    )


# --- Checking one value ------------------------------------------------------------------------


def _check_field(field_name: str) -> tuple[str, str]:
    if field_name not in FIELDS:
        raise ValidationError(_("Không rõ loại giá trị cần lưu."), code="bad_field")
    return FIELDS[field_name]


def _check_criterion(criterion: Criterion, field_name: str) -> None:
    """The criterion takes this kind of value: a bloc's table, still in use, not a group."""
    table = criterion.table
    if table.is_template or table.bloc_id is None:
        raise ValidationError(_("Bảng mẫu của tỉnh không chấm điểm trực tiếp."), code="template")
    if criterion.archived:
        raise ValidationError(
            _("Tiêu chí %(code)s đã bỏ khỏi bảng điểm, không nhận điểm mới.") % {"code": criterion.code},
            code="archived",
        )
    if criterion.kind == CriterionKind.GROUP:
        raise ValidationError(_("Nhóm tiêu chí không chấm điểm trực tiếp."), code="group")


def clean_value(criterion: Criterion, field_name: str, raw: object, step: Decimal) -> Decimal | str | None:
    """What `raw` means for this criterion and field, or ValidationError with the reason in Vietnamese.

    Scores: "7,5" and "7.5" are 7.5, empty clears the value; range and step are checked. Notes: one
    line of NFC text.
    """
    if field_name == NOTE:
        text = clean_text("" if raw is None else str(raw))
        if len(text) > NOTE_MAX_LENGTH:
            raise ValidationError(
                _("Ghi chú dài %(length)s ký tự, tối đa %(limit)s ký tự.")
                % {"length": len(text), "limit": NOTE_MAX_LENGTH},
                code="note_too_long",
            )
        return text
    value = parse_score(raw)
    return check_score(criterion_spec(criterion), value, step)


def _typed(raw: object) -> str:
    text = "" if raw is None else str(raw).strip()
    return text or _("để trống")


def _shown(value: Decimal | str | None) -> str:
    if value is None or value == "":
        return _("trống")
    if isinstance(value, str):
        return f"«{value}»"
    return show_value(value)


def _last_change(score: Score, field_name: str) -> tuple[str, datetime]:
    """Who saved the current version of this field, and when (from the history; the row as a fallback)."""
    version_attr = FIELDS[field_name][1]
    record = (
        Score.history.filter(id=score.pk, **{version_attr: getattr(score, version_attr)})
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    user = record.history_user if record and record.history_user_id else score.updated_by
    when = record.history_date if record else score.updated_at
    return (str(user) if user else _("người khác")), when


def _conflict(score: Score, field_name: str, raw: object) -> ValidationError:
    """The refusal of a stale write, carrying the value the other person saved and its version."""
    value_attr, version_attr = FIELDS[field_name]
    who, when = _last_change(score, field_name)
    local = timezone.localtime(when)
    moment = local.strftime("%H:%M")
    if local.date() != timezone.localdate():
        moment = _("%(time)s ngày %(date)s") % {"time": moment, "date": local.strftime("%d/%m/%Y")}
    current = getattr(score, value_attr)
    return ValidationError(
        _("Ô này vừa được %(user)s lưu là %(value)s lúc %(time)s; giá trị bạn nhập (%(typed)s) chưa được lưu."),
        code="conflict",
        params={
            "user": who,
            "value": _shown(current),
            "time": moment,
            "typed": _typed(raw),
            "current": current,
            "version": getattr(score, version_attr),
        },
    )


def _assign(score: Score, field_name: str, value: Decimal | str | None, user) -> None:
    value_attr, version_attr = FIELDS[field_name]
    setattr(score, value_attr, value)
    setattr(score, version_attr, getattr(score, version_attr) + 1)
    score.updated_by = user
    score._history_user = user  # django-simple-history records who, also outside a request


def _bonus_ids(table_id: int) -> list[int]:
    return list(
        Criterion.objects.filter(table_id=table_id, kind=CriterionKind.BONUS, archived=False).values_list(
            "pk", flat=True
        )
    )


def _locked_score(unit_id: int, criterion_id: int) -> Score | None:
    return Score.objects.select_for_update(of=("self",)).filter(unit_id=unit_id, criterion_id=criterion_id).first()


def _save_new(score: Score, field_name: str, raw: object, new_value) -> Score:
    """Insert a row nobody had; if someone inserted it meanwhile, check against theirs instead.

    The savepoint keeps the outer transaction usable after the unique constraint fires.
    """
    try:
        with transaction.atomic():
            score.save()
        return score
    except IntegrityError:
        theirs = _locked_score(score.unit_id, score.criterion_id)
        if theirs is None:  # not a duplicate after all: let the real error surface
            raise
        value_attr = FIELDS[field_name][0]
        if getattr(theirs, value_attr) == new_value:
            return theirs
        raise _conflict(theirs, field_name, raw) from None


# --- One cell ----------------------------------------------------------------------------------


def score_set(*, unit, criterion: Criterion, field: str, raw_value: object, expected_version: int, user) -> Score:
    """Save one value of one cell of the grid (a unit's self score, assessed score or note on a criterion).

    `expected_version` is the version of that field the user's screen was showing; if someone saved
    since, nothing is written and ValidationError(code="conflict") says what they saved (its params
    carry "current" and "version"). Scores are checked against the criterion's range, the year's
    step and the table's bonus cap. Raises ValidationError with the reason in Vietnamese.
    """
    field_name = field
    value_attr, version_attr = _check_field(field_name)
    table = criterion.table
    with transaction.atomic():
        if table.bloc_id is not None:
            ensure_year_open(bloc=table.bloc_id, year=table.year)
        _check_criterion(criterion, field_name)
        is_bonus = criterion.kind == CriterionKind.BONUS and field_name in VALUE_FIELDS
        membership = Membership.objects.filter(bloc_id=table.bloc_id, year=table.year, unit_id=unit.pk)
        if is_bonus:  # bonus items share a cap: writes of one unit's bonus items go one at a time
            membership = membership.select_for_update(of=("self",)).order_by("pk")
        if not membership.exists():
            raise ValidationError(
                _("%(unit)s không phải thành viên của khối năm %(year)s.") % {"unit": unit, "year": table.year},
                code="not_member",
            )
        new_value = clean_value(criterion, field_name, raw_value, score_step(table.year))
        score = _locked_score(unit.pk, criterion.pk)
        current = getattr(score, value_attr) if score else ("" if field_name == NOTE else None)
        if current == new_value:
            return score or Score(unit=unit, criterion=criterion)
        if (getattr(score, version_attr) if score else 0) != expected_version:
            raise _conflict(score, field_name, raw_value) if score else _gone(raw_value)
        if is_bonus:
            others = Score.objects.filter(unit_id=unit.pk, criterion_id__in=_bonus_ids(table.pk)).exclude(
                criterion_id=criterion.pk
            )
            bonus = sum((v for v in others.values_list(value_attr, flat=True) if v is not None), Decimal(0))
            cap = ScoringTable.objects.filter(pk=table.pk).values_list("bonus_cap", flat=True).get()  # as stored now
            check_bonus_total(bonus + (new_value or 0), cap)
        if score is None:
            score = Score(unit=unit, criterion=criterion)
            _assign(score, field_name, new_value, user)
            return _save_new(score, field_name, raw_value, new_value)
        _assign(score, field_name, new_value, user)
        score.save(update_fields=[value_attr, version_attr, "updated_by", "updated_at"])
        return score


def _gone(raw: object) -> ValidationError:
    """The screen showed a saved value, but the row is no longer there (removed meanwhile)."""
    return ValidationError(
        _("Điểm của ô này vừa bị xóa trong lúc bạn nhập; giá trị bạn nhập (%(typed)s) chưa được lưu."),
        code="conflict",
        params={"typed": _typed(raw), "current": None, "version": 0},
    )


# --- Many cells, all or nothing -------------------------------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """One cell as the user sent it: what they typed, the version they saw, and (optionally) the value
    they saw — when `original` is given and the typed value means the same, the cell is untouched."""

    unit_id: int
    criterion_id: int
    raw_value: object
    expected_version: int
    original: object = None
    has_original: bool = False


@dataclass
class BatchResult:
    """The outcome of a batch: every refused cell with its reason, or the counts of what was written."""

    errors: dict[tuple[int, int], ValidationError] = field(default_factory=dict)
    written: int = 0
    cleared: int = 0
    unchanged: int = 0
    untouched: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def conflicts(self) -> int:
        return sum(1 for e in self.errors.values() if e.code == "conflict")


class _Refused(Exception):
    def __init__(self, errors: dict):
        super().__init__("refused")
        self.errors = errors


def is_untouched(change: CellChange) -> bool:
    """The user left this cell as it was shown to them (7,5 and 7.5 being the same value)."""
    if not change.has_original:
        return False
    try:
        return parse_score(change.raw_value) == parse_score(change.original)
    except ValidationError:
        return False


def scores_save(*, table: ScoringTable, field: str, changes: Iterable[CellChange], user) -> BatchResult:
    """Save many self or assessed values of one table at once — all of them, or none.

    Every cell is checked (range, step, bonus cap per unit, version); if any cell is refused, nothing
    is written and the result lists every refusal. Cells whose value would not change are not written.
    A closed year raises ValidationError.
    """
    field_name = field
    if field_name not in VALUE_FIELDS:
        raise ValidationError(_("Không rõ loại giá trị cần lưu."), code="bad_field")
    result = BatchResult()
    try:
        with transaction.atomic():
            ensure_year_open(bloc=table.bloc_id, year=table.year)
            _save_batch(table, field_name, list(changes), user, result)
    except _Refused as refused:
        return BatchResult(errors=refused.errors)
    return result


def _save_batch(table: ScoringTable, field_name: str, changes: list[CellChange], user, result: BatchResult) -> None:
    value_attr, version_attr = FIELDS[field_name]
    criteria = {c.pk: c for c in Criterion.objects.filter(table=table).select_related("table")}
    step = score_step(table.year)
    touched = []
    for change in changes:
        if is_untouched(change):
            result.untouched += 1
        else:
            touched.append(change)
    unit_ids = {c.unit_id for c in touched}
    members = set(  # locked, in a fixed order: bonus caps are checked per unit, one writer at a time
        Membership.objects.select_for_update(of=("self",))
        .filter(bloc_id=table.bloc_id, year=table.year, unit_id__in=unit_ids)
        .order_by("pk")
        .values_list("unit_id", flat=True)
    )
    errors: dict[tuple[int, int], ValidationError] = {}
    checked: list[tuple[CellChange, object]] = []
    for change in touched:
        key = (change.unit_id, change.criterion_id)
        criterion = criteria.get(change.criterion_id)
        try:
            if criterion is None:
                raise ValidationError(_("Tiêu chí không thuộc bảng điểm này."), code="not_in_table")
            if change.unit_id not in members:
                raise ValidationError(_("Đơn vị không phải thành viên của khối năm này."), code="not_member")
            _check_criterion(criterion, field_name)
            checked.append((change, clean_value(criterion, field_name, change.raw_value, step)))
        except ValidationError as error:
            errors[key] = error
    bonus_ids = {pk for pk, c in criteria.items() if c.kind == CriterionKind.BONUS and not c.archived}
    wanted_ids = {change.criterion_id for change, _value in checked} | bonus_ids
    existing = {
        (s.unit_id, s.criterion_id): s
        for s in Score.objects.select_for_update(of=("self",)).filter(
            unit_id__in={c.unit_id for c, _v in checked}, criterion_id__in=wanted_ids
        )
    }
    pending: list[tuple[CellChange, object]] = []
    for change, value in checked:
        key = (change.unit_id, change.criterion_id)
        score = existing.get(key)
        current = getattr(score, value_attr) if score else None
        if current == value:
            result.unchanged += 1
        elif (getattr(score, version_attr) if score else 0) != change.expected_version:
            errors[key] = _conflict(score, field_name, change.raw_value) if score else _gone(change.raw_value)
        else:
            pending.append((change, value))
    _check_bonus_caps(table, field_name, pending, existing, bonus_ids, errors)
    if errors:
        raise _Refused(errors)
    updated, now = [], timezone.now()
    for change, value in pending:
        score = existing.get((change.unit_id, change.criterion_id))
        if score is None:
            score = Score(unit_id=change.unit_id, criterion=criteria[change.criterion_id])
            _assign(score, field_name, value, user)
            try:
                _save_new(score, field_name, change.raw_value, value)
            except ValidationError as error:
                raise _Refused({(change.unit_id, change.criterion_id): error}) from None
        else:
            _assign(score, field_name, value, user)
            score.updated_at = now  # for its history row; the UPDATE below sets the same
            updated.append(score)
        if value is None:
            result.cleared += 1
        else:
            result.written += 1
    if updated:
        # The rows are locked above. One UPDATE per distinct new value (a table's scale allows a few dozen;
        # each version goes up by one, as _assign did), and one INSERT of their history: not two
        # queries a cell, which made a 15 × 40 upload take seconds.
        by_value: dict[object, list[int]] = {}
        for score in updated:
            by_value.setdefault(getattr(score, value_attr), []).append(score.pk)
        for value, pks in by_value.items():
            Score.objects.filter(pk__in=pks).update(
                **{value_attr: value, version_attr: F(version_attr) + 1, "updated_by": user, "updated_at": now}
            )
        Score.history.bulk_history_create(updated, batch_size=1000, update=True, default_user=user, default_date=now)


def _check_bonus_caps(table, field_name, pending, existing, bonus_ids, errors) -> None:
    """Each unit's bonus items together, after the batch, stay within the table's bonus cap."""
    value_attr = FIELDS[field_name][0]
    by_unit: dict[int, list[CellChange]] = {}
    after: dict[tuple[int, int], object] = {}
    for change, value in pending:
        if change.criterion_id in bonus_ids:
            by_unit.setdefault(change.unit_id, []).append(change)
            after[change.unit_id, change.criterion_id] = value
    for unit_id, bonus_changes in by_unit.items():
        total = Decimal(0)
        for criterion_id in bonus_ids:
            key = (unit_id, criterion_id)
            score = existing.get(key)
            value = after[key] if key in after else (getattr(score, value_attr) if score else None)
            total += value or 0
        try:
            check_bonus_total(total, table.bonus_cap)
        except ValidationError as error:
            for change in bonus_changes:
                errors.setdefault((unit_id, change.criterion_id), error)


# --- Reading the grid ------------------------------------------------------------------------------


@dataclass
class Band:
    """Consecutive columns under one top-level group (or a lone top-level criterion: group None)."""

    group: Criterion | None
    criteria: list[Criterion]


@dataclass
class GridData:
    """A table's scored criteria, their group headers and every score of the given units.

    Two queries whatever the size: the table with its criteria (scored ones and groups) and the year's score
    step, then the scores (by unit and criterion: each a Score or a row of its value and version columns, read
    through value() and version()).
    """

    table: ScoringTable | None
    criteria: list[Criterion] = field(default_factory=list)
    groups: dict[int, Criterion] = field(default_factory=dict)
    scores: dict[tuple[int, int], Score | tuple] = field(default_factory=dict)
    step: Decimal | None = None  # the year's score step, when read with the grid

    @cached_property
    def specs(self) -> list[CriterionSpec]:
        return [criterion_spec(c) for c in self.criteria]

    def bands(self) -> list[Band]:
        bands: list[Band] = []
        for criterion in self.criteria:
            group = self.groups.get(criterion.top_group_id) if criterion.top_group_id else None
            if bands and group is not None and bands[-1].group is group:
                bands[-1].criteria.append(criterion)
            else:
                bands.append(Band(group, [criterion]))
        return bands

    def value(self, unit_id: int, criterion_id: int, field_name: str):
        score = self.scores.get((unit_id, criterion_id))
        return getattr(score, FIELDS[field_name][0]) if score else None

    def version(self, unit_id: int, criterion_id: int, field_name: str) -> int:
        score = self.scores.get((unit_id, criterion_id))
        return getattr(score, FIELDS[field_name][1]) if score else 0

    def cell(self, unit_id: int, criterion_id: int, field_name: str) -> tuple:
        """value() and version() in one look-up: (None, 0) for a cell without a score yet."""
        score = self.scores.get((unit_id, criterion_id))
        if score is None:
            return None, 0
        value_attr, version_attr = FIELDS[field_name]
        return getattr(score, value_attr), getattr(score, version_attr)

    def totals(self, unit_id: int, field_name: str) -> Totals:
        value_attr, scores = FIELDS[field_name][0], self.scores
        values = {
            spec.pk: getattr(score, value_attr)
            for spec in self.specs
            if (score := scores.get((unit_id, spec.pk))) is not None
        }
        return totals(self.specs, values, self.table.bonus_cap if self.table else Decimal(0))


# The grid's two queries, prepared (units.prepared): every grid page and cell save reads them.
_CRITERIA = Prepared(
    lambda bloc_id, year: Criterion.objects.filter(table__bloc_id=bloc_id, table__year=year)
    .select_related("table")
    .annotate(year_step=Subquery(RuleSet.objects.filter(year=year).values("score_step")[:1]))
    .order_by("order", "pk")
)  # fmt: skip
_SCORE_COLUMNS = [column for pair in FIELDS.values() for column in pair]
_ScoreRow = namedtuple("_ScoreRow", ["unit_id", "criterion_id", *_SCORE_COLUMNS])
_SCORES = Prepared(
    lambda table_id, unit_ids: Score.objects.filter(
        criterion__table_id=table_id, criterion__archived=False, unit_id__in=unit_ids
    ).values_list("unit_id", "criterion_id", *_SCORE_COLUMNS)
)


def grid_data(*, bloc_id: int, year: int, unit_ids: Iterable[int]) -> GridData:
    """The bloc-year's table (None if it has none yet) with every score of these units."""
    # The table and the year's score step come with the criteria (one query); they are looked up on their
    # own only when the table has no criteria yet.
    every = _CRITERIA(bloc_id=bloc_id, year=year)
    table = every[0].table if every else ScoringTable.objects.filter(bloc_id=bloc_id, year=year).first()
    if table is None:
        return GridData(table=None)
    for criterion in every:
        criterion.table = table  # one object for the table, as table.criteria would give
    read_step = every[0].year_step if every else score_step(year)
    step = read_step if read_step is not None else DEFAULT_STEP
    criteria = scored_criteria(table, every)
    groups = {c.pk: c for c in every if c.kind == CriterionKind.GROUP}
    # Rows with the value and version columns (read as a Score's attributes), not Score instances: a 15 × 40
    # grid's 600 models took longer to build than the query itself.
    # As NamedValuesListIterable makes them (tuple.__new__): _make checks each row's length, 600 times.
    new = tuple.__new__
    scores = {(row[0], row[1]): new(_ScoreRow, row) for row in _SCORES(table_id=table.pk, unit_ids=list(unit_ids))}
    return GridData(table=table, criteria=criteria, groups=groups, scores=scores, step=step)


def unit_totals(*, table: ScoringTable, unit_id: int, field_name: str) -> Totals:
    """One unit's totals for one kind of value (two queries): what the grid's totals cells show."""
    data = GridData(table=table, criteria=scored_criteria(table))
    data.scores = {
        (s.unit_id, s.criterion_id): s
        for s in Score.objects.filter(unit_id=unit_id, criterion_id__in=[c.pk for c in data.criteria])
    }
    return data.totals(unit_id, field_name)
