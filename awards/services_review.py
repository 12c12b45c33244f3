"""The board's review of many nominations at once: one action, one reason, all or nothing.

Each nomination moves through `awards.services.nomination_transition` (the workflow table, the timeline);
this module only adds what a bulk action needs on top: every selected nomination is locked and checked
first (still there, unchanged since the page was read, the action possible from its state), and if any
one of them cannot take the action nothing is written and every refusal is reported, by name.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards import workflow
from awards.models import Nomination, State
from awards.services import nomination_transition
from blocs.access import scope_of
from units.text import clean_text

BOARD_ACTIONS = ("start_review", "approve", "return", "reject")


def reason_required(action: str) -> bool:
    """Whether the workflow table asks for a reason when taking `action` (from any state)."""
    return any(required for (_state, act), (_to, _who, required) in workflow.TABLE.items() if act == action)


def nomination_name(nomination: Nomination) -> str:
    """How a refusal names a nomination: «unit — award type» (bloc)."""
    return _("«%(unit)s — %(award)s» (%(bloc)s)") % {
        "unit": nomination.unit.name,
        "award": nomination.award_type.name,
        "bloc": nomination.bloc.name,
    }


def _refusal(nomination: Nomination, action: str, expected_version: int) -> str | None:
    """Why `action` cannot be taken on the locked `nomination` now, or None if it can."""
    name = nomination_name(nomination)
    if nomination.version != expected_version:
        return _(
            "%(name)s vừa được người khác xử lý (nay ở trạng thái «%(state)s»): hãy tải lại trang rồi chọn lại."
        ) % {"name": name, "state": nomination.get_state_display()}
    if nomination.state == State.DECIDED:
        return _("%(name)s đã có quyết định khen thưởng, không thể thay đổi.") % {"name": name}
    if workflow.allowed(nomination.state, action) is None:
        return _("%(name)s đang ở trạng thái «%(state)s»: không thể «%(action)s».") % {
            "name": name,
            "state": nomination.get_state_display(),
            "action": workflow.ACTION_LABELS[action],
        }
    return None


@transaction.atomic
def nominations_transition(
    *, versions: Mapping[int, int], action: str, user, reason: str = "", year: int | None = None
) -> list[Nomination]:
    """Take the board's `action` on every nomination in `versions` (pk -> the version the user saw).

    One transaction: the nominations are locked, and if any is missing, changed since it was read, or
    cannot take the action from its state, ValidationError lists every one of them and nothing changes.
    `year`, when given, must be the year of every nomination (the queue acts on one year).
    """
    if action not in BOARD_ACTIONS:
        raise ValidationError(_("Hãy chọn một thao tác."), code="no_action")
    if not versions:
        raise ValidationError(_("Hãy chọn ít nhất một hồ sơ."), code="empty")
    if not scope_of(user).is_board:
        raise PermissionDenied(_("Chỉ Ban Thi đua - Khen thưởng được thẩm định hồ sơ."))
    reason = clean_text(reason or "")
    if reason_required(action) and not reason:
        raise ValidationError(
            _("Hãy ghi rõ lý do để «%(action)s».") % {"action": workflow.ACTION_LABELS[action]},
            code="reason_required",
        )
    locked = {
        n.pk: n
        for n in Nomination.objects.select_for_update(of=("self",))
        .select_related("unit", "award_type", "bloc")
        .filter(pk__in=list(versions))
        .order_by("pk")
    }
    refusals = []
    missing = sorted(set(versions) - set(locked))
    if missing:
        refusals.append(
            _("Không còn tìm thấy hồ sơ số %(ids)s: hãy tải lại trang.") % {"ids": ", ".join(map(str, missing))}
        )
    nominations = sorted(locked.values(), key=lambda n: (n.bloc.sort_key, n.award_type.order, n.unit.sort_key))
    for nomination in nominations:
        if year is not None and nomination.year != year:
            refusals.append(
                _("%(name)s thuộc năm %(other)s, không phải năm %(year)s.")
                % {"name": nomination_name(nomination), "other": nomination.year, "year": year}
            )
            continue
        refusal = _refusal(nomination, action, versions[nomination.pk])
        if refusal:
            refusals.append(refusal)
    if refusals:
        raise ValidationError(refusals, code="refused")
    return [
        nomination_transition(nomination=nomination, action=action, user=user, reason=reason)
        for nomination in nominations
    ]
