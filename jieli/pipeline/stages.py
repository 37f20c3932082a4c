"""The stage and hand-off life cycle as a data table: action → (from statuses, to status, who).

A stage is planned → in progress → handed over (ready, awaiting the receiver) → done; the
receiver may refuse a hand-off with a reason (back to in progress). A planned stage may be
skipped with a reason by the service agency running the project or the secretariat (never the
delivery and acceptance stage), and a skipped one reinstated. Accepting a hand-off starts the
next stage that is not skipped. The services apply a move under a row lock on the project and
write its before/after to the history.

Sides of a viewer for one stage: ``giver`` (the stage owner's people, or its owner person),
``receiver`` (the owner side of the next stage that is not skipped; for the last stage, the
taking enterprise), ``runner`` (the service agency's people), ``secretariat``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jieli.pipeline.models import StageKey, StageStatus

FINISHED = frozenset({StageStatus.DONE, StageStatus.SKIPPED})
RUNNERS = frozenset({"runner", "secretariat"})
NEVER_SKIPPED = frozenset({StageKey.ACCEPTANCE})


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    label: object
    needs_reason: bool = False


MOVES: dict[str, Move] = {
    "mark_ready": Move(
        frozenset({StageStatus.ACTIVE}),
        StageStatus.READY,
        frozenset({"giver"}),
        _("hand over (mark ready)"),
    ),
    "accept": Move(
        frozenset({StageStatus.READY}), StageStatus.DONE, frozenset({"receiver"}), _("accept")
    ),
    "refuse": Move(
        frozenset({StageStatus.READY}),
        StageStatus.ACTIVE,
        frozenset({"receiver"}),
        _("refuse"),
        needs_reason=True,
    ),
    "skip": Move(
        frozenset({StageStatus.PLANNED}),
        StageStatus.SKIPPED,
        RUNNERS,
        _("skip"),
        needs_reason=True,
    ),
    "reinstate": Move(
        frozenset({StageStatus.SKIPPED}), StageStatus.PLANNED, RUNNERS, _("reinstate")
    ),
}


def allowed_moves(key: str, status: str, sides: frozenset[str]) -> list[str]:
    """The buttons a viewer with ``sides`` may press on a stage ``key`` in ``status``."""
    return [
        name
        for name, move in MOVES.items()
        if status in move.sources
        and move.who & sides
        and not (name == "skip" and key in NEVER_SKIPPED)
    ]
