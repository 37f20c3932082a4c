"""The enquiry life cycle as a data table: action → (from stages, to stage, who may move it).

new → answered (the owner side's first reply) → in discussion (洽谈) → intention signed →
contract; declined (by the owner side, with a reason) or closed (by either side, the broker
or the secretariat) from any open stage. The services apply a move under a row lock and write
its before/after to the history.

Sides of a viewer in a thread: ``sender`` (the sender and the sender organisation's people),
``owner`` (the listing owner's people, or the expert), ``broker`` (the assigned broker),
``secretariat``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jieli.enquiries.models import Stage

OPEN = frozenset({Stage.NEW, Stage.ANSWERED, Stage.DISCUSSION, Stage.INTENTION})
# Stages in which the owner has accepted the enquiry: contact details are shown to both sides.
ACCEPTED = frozenset({Stage.ANSWERED, Stage.DISCUSSION, Stage.INTENTION, Stage.CONTRACT})
BOTH = frozenset({"sender", "owner"})


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    label: object
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    # Made by the reply service, never a button: the owner side's first message.
    "answer": Move(frozenset({Stage.NEW}), Stage.ANSWERED, frozenset({"owner"}), _("answer")),
    "discuss": Move(
        frozenset({Stage.ANSWERED}), Stage.DISCUSSION, BOTH | {"broker"}, _("start discussion")
    ),
    "sign_intention": Move(
        frozenset({Stage.DISCUSSION}), Stage.INTENTION, BOTH, _("record signed intention")
    ),
    "sign_contract": Move(
        frozenset({Stage.INTENTION}), Stage.CONTRACT, BOTH, _("record signed contract")
    ),
    "decline": Move(OPEN, Stage.DECLINED, frozenset({"owner"}), _("decline"), needs_reason=True),
    "close": Move(OPEN, Stage.CLOSED, BOTH | {"broker", "secretariat"}, _("close")),
}
BUTTONS = tuple(name for name in MOVES if name != "answer")


def allowed_moves(stage: str, sides: frozenset[str]) -> list[str]:
    """The buttons a viewer with ``sides`` may press in ``stage``."""
    return [name for name in BUTTONS if stage in MOVES[name].sources and MOVES[name].who & sides]
