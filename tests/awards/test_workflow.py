"""The transition table, as data."""

import pytest

from awards import workflow as wf

ALL_STATES = ["draft", "submitted", "under_review", "returned", "approved", "not_approved", "decided"]

EXPECTED = {
    ("draft", "submit"): ("submitted", "bloc_head", False),
    ("returned", "submit"): ("submitted", "bloc_head", False),
    ("submitted", "withdraw"): ("draft", "bloc_head", False),
    ("submitted", "start_review"): ("under_review", "board", False),
    ("under_review", "return"): ("returned", "board", True),
    ("under_review", "approve"): ("approved", "board", False),
    ("under_review", "reject"): ("not_approved", "board", True),
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", wf.ACTIONS)
def test_allowed_follows_the_table(state, action):
    transition = wf.allowed(state, action)
    expected = EXPECTED.get((state, action))
    if expected is None:
        assert transition is None
    else:
        assert (transition.to_state, transition.who, transition.reason_required) == expected
        assert transition.from_state == state


def test_unknown_action_is_not_allowed():
    assert wf.allowed("draft", "decide") is None


def test_decided_has_no_way_out():
    assert [wf.allowed("decided", action) for action in wf.ACTIONS] == [None] * len(wf.ACTIONS)


def test_actions_for_roles():
    assert [t.action for t in wf.actions_for("draft", {"bloc_head", "bloc_staff"})] == ["submit"]
    assert [t.action for t in wf.actions_for("draft", {"bloc_staff"})] == []
    assert [t.action for t in wf.actions_for("under_review", {"board"})] == ["return", "approve", "reject"]
    assert [t.action for t in wf.actions_for("under_review", {"bloc_head"})] == []
    assert [t.action for t in wf.actions_for("submitted", {"board", "bloc_head"})] == ["withdraw", "start_review"]


def test_roles_for_action_and_editable_states():
    assert wf.roles_for_action("submit") == {"bloc_head"}
    assert wf.roles_for_action("return") == {"board"}
    assert wf.roles_for_action("nonsense") == set()
    assert [s for s in ALL_STATES if wf.is_editable(s)] == ["draft", "returned"]
