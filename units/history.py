"""Change history for a record page: who changed what, when, from django-simple-history."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _


@dataclass
class HistoryRow:
    when: datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]]


_ACTIONS = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xóa")}
_SKIP = {"version", "search_key", "sort_key"}


def history_rows(obj, limit: int = 25) -> list[HistoryRow]:
    """The latest changes of one record, newest first, with each field's old and new value.

    One query whatever the length of the history: diffs are computed between consecutive rows in memory.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = type(obj)
    labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
    rows = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            delta = record.diff_against(older, excluded_fields=_SKIP)
            for change in delta.changes:
                changes.append((labels.get(change.field, change.field), _show(change.old), _show(change.new)))
        if older is not None and record.history_type == "~" and not changes:
            continue  # a save that changed nothing shown here (a sign-in updating last_login, say)
        who = str(record.history_user) if record.history_user else str(_("Hệ thống"))
        rows.append(HistoryRow(record.history_date, who, _ACTIONS.get(record.history_type, ""), changes))
    return rows


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("Có"))
    if value is False:
        return str(_("Không"))
    return str(value)


@dataclass
class MembershipEvent:
    when: datetime
    who: str
    action: str
    year: int
    unit: str
    role: str
    reason: str


def membership_history(bloc, limit: int = 30) -> list[MembershipEvent]:
    """Who added, removed or changed the role of which unit in this bloc, newest first (two queries)."""
    history = bloc.memberships.model.history
    records = list(
        history.filter(bloc_id=bloc.pk)
        .select_related("history_user", "unit")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        MembershipEvent(
            when=r.history_date,
            who=str(r.history_user) if r.history_user else str(_("Hệ thống")),
            action=str(_ACTIONS.get(r.history_type, "")),
            year=r.year,
            unit=str(r.unit),
            role=r.get_role_display(),
            reason=r.history_change_reason or r.note,
        )
        for r in records
    ]
