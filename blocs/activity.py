"""The province-wide activity log: the history tables of the audited records, merged, newest first.

Every change to scores, ratings, ballots, nominations and their files, decisions and the award history,
rule sets (with their award conditions) and the closing of a bloc's year is a django-simple-history row
with who and when. This module reads those tables as one list, filtered by user, bloc and date, one page
at a time:

- one UNION ALL query orders the (date, id, kind) of every matching row and cuts the page, one more
  counts them for the paginator;
- then one query per kind of record on the page fetches its rows together with the row before each
  (for the changed fields) and what describes it (unit, criterion, bloc…);
- one query per kind of related record whose reference changed (a nomination's decision, say).

So a page costs the same whatever the size of the history. Models of the apps to the right of `blocs`
(meetings, awards) are named by label, not imported: the log only reads their history tables.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS = {"+": gettext_lazy("Tạo mới"), "~": gettext_lazy("Sửa"), "-": gettext_lazy("Xóa")}
# Bookkeeping columns: they change with every save and say nothing to the reader.
SKIPPED = {"id", "version", "self_version", "assessed_version", "note_version", "updated_at", "updated_by"}
SKIPPED_SUFFIXES = ("search_key", "sort_key")
CREATED_FIELDS_SHOWN = 4
LONG_TEXT = 160


def _member_of(bloc_id: int) -> Q:
    """A unit-and-year row (rating, award) whose unit belonged to the bloc that year."""
    membership = apps.get_model("blocs", "Membership")
    return Q(Exists(membership.objects.filter(unit_id=OuterRef("unit_id"), year=OuterRef("year"), bloc_id=bloc_id)))


@dataclass(frozen=True)
class Source:
    """One audited model: how to find its bloc, what to load to describe a row, and how to describe it."""

    label: str
    bloc_filter: Callable[[int], Q] | None  # None: a province-wide record (rule sets, decisions)
    related: tuple[str, ...]
    describe: Callable[[object], str]
    bloc_of: Callable[[object], object] = lambda row: None

    @property
    def history(self):
        return apps.get_model(self.label).history.model


def _name(obj, fallback_id=None) -> str:
    return str(obj) if obj is not None else f"#{fallback_id}"


def _describe_prior_award(row) -> str:
    rule = row.rule
    if rule is None:
        return f"#{row.rule_id}: {_name(row.award_type, row.award_type_id)}"
    year = _("quy chế năm %(year)s") % {"year": rule.rule_set.year} if rule.rule_set else f"#{rule.rule_set_id}"
    return f"{_name(rule.award_type, rule.award_type_id)}: {_name(row.award_type, row.award_type_id)} — {year}"


SOURCES: list[Source] = [
    Source(
        "blocs.Score",
        lambda bloc: Q(criterion__table__bloc_id=bloc),
        ("unit", "criterion__table__bloc"),
        lambda r: (
            f"{_name(r.unit, r.unit_id)} — "
            + (f"{r.criterion.code} ({r.criterion.table.year})" if r.criterion else f"#{r.criterion_id}")
        ),
        lambda r: r.criterion.table.bloc if r.criterion and r.criterion.table else None,
    ),
    Source(
        "units.AnnualRating",
        _member_of,
        ("unit",),
        lambda r: f"{_name(r.unit, r.unit_id)} — {r.year}",
    ),
    Source(
        "meetings.Ballot",
        lambda bloc: Q(meeting__bloc_id=bloc),
        ("meeting__bloc",),
        lambda r: f"{r.title} ({r.meeting.year})" if r.meeting else r.title,
        lambda r: r.meeting.bloc if r.meeting else None,
    ),
    Source(
        "meetings.BallotCandidate",
        lambda bloc: Q(ballot__meeting__bloc_id=bloc),
        ("unit", "ballot__meeting__bloc"),
        lambda r: f"{_name(r.unit, r.unit_id)} — {_name(r.ballot, r.ballot_id)}",
        lambda r: r.ballot.meeting.bloc if r.ballot and r.ballot.meeting else None,
    ),
    Source(
        "awards.Nomination",
        lambda bloc: Q(bloc_id=bloc),
        ("unit", "award_type", "bloc"),
        lambda r: f"{_name(r.award_type, r.award_type_id)} — {_name(r.unit, r.unit_id)} ({r.year})",
        lambda r: r.bloc,
    ),
    Source(
        "awards.DossierFile",
        lambda bloc: Q(nomination__bloc_id=bloc),
        ("nomination__unit", "nomination__bloc"),
        lambda r: f"{r.name} — {_name(r.nomination.unit if r.nomination else None, r.nomination_id)}",
        lambda r: r.nomination.bloc if r.nomination else None,
    ),
    Source(
        "awards.AwardDecision",
        None,
        ("award_type",),
        lambda r: f"{r.number} — {_name(r.award_type, r.award_type_id)}",
    ),
    Source(
        "units.Award",
        _member_of,
        ("unit", "award_type"),
        lambda r: f"{_name(r.award_type, r.award_type_id)} — {_name(r.unit, r.unit_id)} ({r.year})",
    ),
    Source("blocs.RuleSet", None, (), lambda r: f"{r.name} ({r.year})"),
    Source(
        "blocs.AwardRule",
        None,
        ("rule_set", "award_type"),
        lambda r: (
            f"{_name(r.award_type, r.award_type_id)} — "
            + (_("quy chế năm %(year)s") % {"year": r.rule_set.year} if r.rule_set else f"#{r.rule_set_id}")
        ),
    ),
    Source(
        "blocs.AwardRulePriorAward",
        None,
        ("rule__rule_set", "rule__award_type", "award_type"),
        _describe_prior_award,
    ),
    Source(
        "blocs.BlocYear",
        lambda bloc: Q(bloc_id=bloc),
        ("bloc",),
        lambda r: f"{_name(r.bloc, r.bloc_id)} — {r.year}",
        lambda r: r.bloc,
    ),
]


@dataclass
class Filters:
    user_id: int | None = None
    bloc_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class Entry:
    when: datetime
    who: object  # the user, or None for a change made by a command (no one signed in)
    symbol: str  # "+", "~" or "-"
    action: str
    kind: str  # the model's verbose name
    what: str
    bloc: object
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    more: int = 0  # created rows: how many other filled fields are not listed


def activity_queryset(filters: Filters):
    """(history_date, history_id, source index) of every matching history row, newest first."""
    parts = []
    for index, source in enumerate(SOURCES):
        if filters.bloc_id is not None and source.bloc_filter is None:
            continue  # a province-wide record belongs to no bloc
        qs = source.history.objects.all()
        if filters.user_id is not None:
            qs = qs.filter(history_user_id=filters.user_id)
        if filters.bloc_id is not None:
            qs = qs.filter(source.bloc_filter(filters.bloc_id))
        if filters.start is not None:
            qs = qs.filter(history_date__gte=_day_start(filters.start))
        if filters.end is not None:
            qs = qs.filter(history_date__lt=_day_start(filters.end + timedelta(days=1)))
        parts.append(
            qs.order_by()  # historical models are ordered; a part of a UNION may not be
            .annotate(activity_source=Value(index, output_field=IntegerField()))
            .values_list("history_date", "history_id", "activity_source")
        )
    first, *others = parts  # never empty: most sources belong to a bloc
    return first.union(*others, all=True).order_by("-history_date", "-history_id", "-activity_source")


def entries_for(page_rows) -> list[Entry]:
    """The log lines of one page: `page_rows` are (history_date, history_id, source index) tuples."""
    wanted: dict[int, list[int]] = defaultdict(list)
    for _date, history_id, index in page_rows:
        wanted[index].append(history_id)
    fetched: dict[int, dict[int, object]] = {}
    previous: dict[int, dict[int, object]] = {}
    for index, ids in wanted.items():
        fetched[index], previous[index] = _fetch(SOURCES[index], ids)
    diffs = {}
    references: dict[type, set] = defaultdict(set)
    for index, rows in fetched.items():
        history = SOURCES[index].history
        for history_id, row in rows.items():
            diff = _diff(history, row, previous[index].get(history_id))
            diffs[(index, history_id)] = diff
            for model_field, old, new in diff[0]:
                if model_field.is_relation:
                    references[model_field.related_model].update(v for v in (old, new) if v is not None)
    names = {model: dict(_names(model, ids)) for model, ids in references.items()}
    entries = []
    for _date, history_id, index in page_rows:
        source, row = SOURCES[index], fetched[index].get(history_id)
        if row is None:
            continue  # deleted between the two queries
        changed, more = diffs[(index, history_id)]
        entries.append(
            Entry(
                when=row.history_date,
                who=row.history_user,
                symbol=row.history_type,
                action=str(ACTIONS.get(row.history_type, row.history_type)),
                kind=str(source.history.instance_type._meta.verbose_name),
                what=source.describe(row),
                bloc=source.bloc_of(row),
                changes=[(str(f.verbose_name), _show(f, old, names), _show(f, new, names)) for f, old, new in changed],
                more=more,
            )
        )
    return entries


def _fetch(source: Source, ids: list[int]) -> tuple[dict[int, object], dict[int, object]]:
    """In one query: the history rows `ids` and, for each, the row of the same record just before it."""
    history = source.history
    before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
    previous_ids = history.objects.filter(history_id__in=ids).annotate(
        previous=Subquery(before.values("history_id")[:1])
    )
    rows = (
        history.objects.filter(Q(history_id__in=ids) | Q(history_id__in=previous_ids.values("previous")))
        .select_related("history_user", *source.related)
        .order_by("id", "history_id")
    )
    by_id, last_of_record, previous = {}, {}, {}
    for row in rows:
        prior = last_of_record.get(row.id)
        if row.history_id in ids:
            by_id[row.history_id] = row
            if prior is not None:
                previous[row.history_id] = prior
        last_of_record[row.id] = row
    return by_id, previous


def _tracked(history) -> list[models.Field]:
    model = history.instance_type
    result = []
    for tracked in history.tracked_fields:
        if tracked.name in SKIPPED or tracked.name.endswith(SKIPPED_SUFFIXES):
            continue
        if tracked.is_relation and tracked.related_model is get_user_model():
            continue  # "created by", "applied by"…: the log's own "who" column says it
        result.append(model._meta.get_field(tracked.name))
    return result


def _diff(history, row, prior) -> tuple[list[tuple[models.Field, object, object]], int]:
    """(field, old, new) of what the change did; for a creation, the filled fields (and how many more)."""
    if row.history_type == "-":
        return [], 0
    changes = []
    for model_field in _tracked(history):
        new = getattr(row, model_field.attname)
        if row.history_type == "+" or prior is None:
            if new not in (None, "") and not model_field.is_relation:
                changes.append((model_field, None, new))
        else:
            old = getattr(prior, model_field.attname)
            if old != new:
                changes.append((model_field, old, new))
    if row.history_type == "+" or prior is None:
        return changes[:CREATED_FIELDS_SHOWN], max(0, len(changes) - CREATED_FIELDS_SHOWN)
    return changes, 0


def _names(model, ids):
    return ((obj.pk, str(obj)) for obj in model._default_manager.filter(pk__in=ids))


def _show(model_field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get(model_field.related_model, {}).get(value, f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if value is True:
        return _("Có")
    if value is False:
        return _("Không")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        return formats.number_format(value, use_l10n=True)
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
