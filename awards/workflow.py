"""The nomination workflow as data: which action moves a nomination from which state to which, who may
take it, and whether a reason is required. Pure Python: no database, no requests.

`decided` is reached only through an award decision (not an action here) and is final.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

BLOC_HEAD = "bloc_head"
BLOC_STAFF = "bloc_staff"
BOARD = "board"

DRAFT = "draft"
SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
RETURNED = "returned"
APPROVED = "approved"
NOT_APPROVED = "not_approved"
DECIDED = "decided"

EDITABLE_STATES = frozenset({DRAFT, RETURNED})


@dataclass(frozen=True)
class Transition:
    action: str
    from_state: str
    to_state: str
    who: str
    reason_required: bool
    label: str


ACTION_LABELS = {
    "submit": _("Trình hồ sơ"),
    "withdraw": _("Rút lại để sửa"),
    "start_review": _("Bắt đầu thẩm định"),
    "return": _("Trả lại để bổ sung"),
    "approve": _("Đủ điều kiện"),
    "reject": _("Không đủ điều kiện"),
}

# (from_state, action) -> (to_state, who may, reason required)
TABLE: dict[tuple[str, str], tuple[str, str, bool]] = {
    (DRAFT, "submit"): (SUBMITTED, BLOC_HEAD, False),
    (RETURNED, "submit"): (SUBMITTED, BLOC_HEAD, False),
    (SUBMITTED, "withdraw"): (DRAFT, BLOC_HEAD, False),
    (SUBMITTED, "start_review"): (UNDER_REVIEW, BOARD, False),
    (UNDER_REVIEW, "return"): (RETURNED, BOARD, True),
    (UNDER_REVIEW, "approve"): (APPROVED, BOARD, False),
    (UNDER_REVIEW, "reject"): (NOT_APPROVED, BOARD, True),
}

ACTIONS = tuple(ACTION_LABELS)


def allowed(state: str, action: str) -> Transition | None:
    """The transition `action` makes from `state`, or None when the table has none."""
    row = TABLE.get((state, action))
    if row is None:
        return None
    to_state, who, reason_required = row
    return Transition(action, state, to_state, who, reason_required, str(ACTION_LABELS[action]))


def actions_for(state: str, roles) -> list[Transition]:
    """The transitions a user holding `roles` may take from `state`, in the table's order."""
    roles = set(roles)
    result = []
    for action in ACTIONS:
        transition = allowed(state, action)
        if transition is not None and transition.who in roles:
            result.append(transition)
    return result


def roles_for_action(action: str) -> set[str]:
    """Every role that may take `action` from some state (empty for an unknown action)."""
    return {who for (_state, act), (_to, who, _r) in TABLE.items() if act == action}


def is_editable(state: str) -> bool:
    """Summary and dossier files may change only while the bloc holds the nomination."""
    return state in EDITABLE_STATES
