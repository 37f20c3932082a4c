"""The evaluation life cycle as a data table: action → (from stages, to stage, who may move it).

awaiting consent (a member's request) → staffing → scoring → valuing → issued; the owner may
decline a member's request; the requester or the secretariat may cancel before issue. An issued
evaluation may be re-opened for re-evaluation (a new report version) by the manager.

Sides: ``owner`` (the achievement owner's people), ``requester`` (who asked, and their
organisation), ``manager`` (the secretariat, or the people of the evaluation's accredited
agency), ``panel`` (experts on an accepted seat).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jieli.evaluations.models import Stage

OPEN = frozenset({Stage.AWAITING_CONSENT, Stage.STAFFING, Stage.SCORING, Stage.VALUING})


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    label: object
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    "consent": Move(
        frozenset({Stage.AWAITING_CONSENT}), Stage.STAFFING, frozenset({"owner"}), _("consent")
    ),
    "decline": Move(
        frozenset({Stage.AWAITING_CONSENT}),
        Stage.DECLINED,
        frozenset({"owner"}),
        _("decline"),
        needs_reason=True,
    ),
    "start_scoring": Move(
        frozenset({Stage.STAFFING}), Stage.SCORING, frozenset({"manager"}), _("start scoring")
    ),
    "close_scoring": Move(
        frozenset({Stage.SCORING}),
        Stage.VALUING,
        frozenset({"manager", "chair"}),
        _("close scoring"),
    ),
    "issue": Move(
        frozenset({Stage.VALUING}), Stage.ISSUED, frozenset({"manager"}), _("issue the report")
    ),
    "reevaluate": Move(
        frozenset({Stage.ISSUED}),
        Stage.SCORING,
        frozenset({"manager"}),
        _("re-evaluate"),
        needs_reason=True,
    ),
    "cancel": Move(
        OPEN, Stage.CANCELLED, frozenset({"requester", "manager"}), _("cancel"), needs_reason=True
    ),
}


def allowed_moves(stage: str, sides: frozenset[str]) -> list[str]:
    """The buttons a viewer with ``sides`` may press in ``stage``."""
    return [name for name, m in MOVES.items() if stage in m.sources and m.who & sides]
