"""The enquiry life cycle, table-driven: every button × every stage × every side, through the
service (row lock, history), against the expected outcome written out by hand."""

from __future__ import annotations

import pytest

from jieli.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jieli.core.history import history_for
from jieli.enquiries import services
from jieli.enquiries.models import Enquiry, Stage
from jieli.enquiries.stages import BUTTONS, MOVES, allowed_moves
from jieli.enquiries.tests.factories import send
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db

ALL = list(Stage.values)
OPEN = ["new", "answered", "discussion", "intention"]

# (action, from stage) -> stage after, for a side that may make the move; absent: 409.
EXPECTED = {
    ("discuss", "answered"): "discussion",
    ("sign_intention", "discussion"): "intention",
    ("sign_contract", "intention"): "contract",
    **{("decline", s): "declined" for s in OPEN},
    **{("close", s): "closed" for s in OPEN},
}
# Who may press which button.
WHO = {
    "discuss": {"sender", "owner", "broker"},
    "sign_intention": {"sender", "owner"},
    "sign_contract": {"sender", "owner"},
    "decline": {"owner"},
    "close": {"sender", "owner", "broker", "secretariat"},
}


def test_the_table_is_what_the_code_says():
    assert set(BUTTONS) == set(WHO)
    for action in BUTTONS:
        assert set(MOVES[action].who) == WHO[action], action
        for stage in ALL:
            assert (MOVES[action].target if stage in MOVES[action].sources else None) == (
                EXPECTED.get((action, stage))
            ), (action, stage)
    assert MOVES["answer"].sources == {"new"} and MOVES["answer"].target == "answered"
    assert allowed_moves("answered", frozenset({"sender"})) == ["discuss", "close"]
    assert allowed_moves("contract", frozenset({"owner", "sender"})) == []


@pytest.fixture
def people(roles, broker):
    return {
        "sender": roles.other_member,
        "owner": roles.owner_admin,
        "broker": broker.user,
        "secretariat": roles.secretariat,
        "outsider": roles.registered,
    }


@pytest.mark.parametrize("stage", ALL)
@pytest.mark.parametrize("action", BUTTONS)
@pytest.mark.parametrize("side", ["sender", "owner", "broker", "secretariat", "outsider"])
def test_move(people, demand, broker, stage, action, side):
    enquiry = send(people["sender"], "demand", demand.pk)
    Enquiry.objects.filter(pk=enquiry.pk).update(stage=stage, broker=broker)
    entries = history_for(enquiry).count()
    viewer = viewer_of(people[side])
    reason = "预算不匹配" if action == "decline" else ""
    expected = EXPECTED.get((action, stage))
    if side == "outsider":
        error: type[Exception] | None = NotFound
    elif side not in WHO[action]:
        error = PermissionDenied
    elif expected is None:
        error = Conflict
    else:
        error = None
    if error is not None:
        with pytest.raises(error):
            services.enquiry_move(viewer=viewer, pk=enquiry.pk, action=action, reason=reason)
        enquiry.refresh_from_db()
        assert enquiry.stage == stage
        assert history_for(enquiry).count() == entries
        return
    services.enquiry_move(viewer=viewer, pk=enquiry.pk, action=action, reason=reason)
    enquiry.refresh_from_db()
    assert enquiry.stage == expected
    record = history_for(enquiry).first()
    assert record is not None and record.action == action
    assert record.changes["stage"] == [stage, expected]
    assert record.actor_id == people[side].pk
    if action == "decline":
        assert enquiry.decline_reason == reason == record.reason


def test_decline_needs_a_reason(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_move(
            viewer=viewer_of(roles.owner_admin), pk=enquiry.pk, action="decline", reason="  "
        )
    assert "reason" in exc.value.fields
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW and enquiry.decline_reason == ""


def test_answer_is_not_a_button(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    with pytest.raises(InvalidInput):
        services.enquiry_move(viewer=viewer_of(roles.owner_admin), pk=enquiry.pk, action="answer")


def test_first_owner_reply_answers_sender_reply_does_not(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    services.enquiry_reply(viewer=viewer_of(roles.other_member), pk=enquiry.pk, body="补充一点")
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW and enquiry.answered_at is None
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="收到")
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ANSWERED and enquiry.answered_at is not None
    assert history_for(enquiry).first().changes == {"stage": ["new", "answered"]}
    services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="再补充")
    assert [r.action for r in history_for(enquiry)] == ["answer", "enquire"]


def test_no_messages_after_close(roles, demand):
    enquiry = send(roles.other_member, "demand", demand.pk)
    services.enquiry_move(viewer=viewer_of(roles.other_member), pk=enquiry.pk, action="close")
    with pytest.raises(Conflict):
        services.enquiry_reply(viewer=viewer_of(roles.owner_member), pk=enquiry.pk, body="晚了")
    assert not enquiry.messages.exists()
