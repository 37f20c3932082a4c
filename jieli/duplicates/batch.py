"""Duplicate suspects for a batch of would-be records (imports).

``duplicate_suspects_for`` answers one record: it syncs the index, asks it for candidates and
re-reads every candidate from the database. An import asks for hundreds of records a second, so
here one batch shares one index sync, and the candidates are first screened by an exact upper
bound on their score computed from what the process index keeps per record (``sketch.py``): no
database read for the many the LSH proposes that cannot reach the threshold. Only those left
(true suspects and a few near ones) are read whole and fingerprinted, once per batch. Records of
the same import are compared with each other too: earlier rows of the batch through a small
pending index, earlier batches through the process index (``add`` puts each written record
there with the LSH keys already computed). Scoring is the detector's own ``compare``, so the
suspects are those of the single-record check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jieli.core.viewer import Viewer
from jieli.duplicates import detect
from jieli.duplicates.index import index_add_keys, index_for, index_screen
from jieli.duplicates.kinds import indexable_data, kind_spec, visible_q
from jieli.duplicates.selectors import clean_check_data


def _translate(message: str) -> str:
    return _(message)


@dataclass
class Checked:
    """One would-be record of a batch: its fingerprint, LSH keys and suspects.

    ``suspects`` target ids are record ids, or ``-(position + 1)`` for an earlier record of
    the same batch (resolved with ``resolve`` once the batch is written).
    """

    fingerprint: detect.Fingerprint
    keys: Any
    suspects: list[detect.Suspect]


class BatchChecker:
    """Suspects for the records of an import, batch by batch."""

    def __init__(self, kind: str):
        self.spec = kind_spec(kind)

    def check(self, datas: Sequence[Mapping[str, Any]]) -> list[Checked]:
        spec = self.spec
        index = index_for(spec)  # one catch-up with the database per batch
        pending = detect.DuplicateIndex(spec.kind, keep_fingerprints=True)
        checked: list[Checked] = []
        wanted: set[int] = set()
        found: list[set[int]] = []
        for position, data in enumerate(datas):
            fp = detect.fingerprint(spec.kind, clean_check_data(data))
            keys = index.keys_of(fp)
            candidates = index_screen(spec, fp, index.candidate_array(fp, keys))
            wanted |= candidates
            found.append(candidates)
            checked.append(Checked(fp, keys, []))
            # Earlier rows of this batch (not in the database yet).
            for other in pending.candidates(fp, keys):
                target = pending.get(other)
                assert target is not None
                suspect = detect.compare(spec.kind, fp, -(other + 1), target, translate=_translate)
                if suspect is not None:
                    checked[position].suspects.append(suspect)
            pending.add_fingerprint(position, fp, keys)
        if wanted:
            self._score_candidates(checked, found, wanted)
        for item in checked:
            item.suspects = detect.rank(item.suspects)
        return checked

    def _score_candidates(
        self, checked: list[Checked], found: list[set[int]], wanted: set[int]
    ) -> None:
        """The index only proposes (and its screen only drops what cannot be a suspect): the
        candidates left are re-read from the database whole, fingerprinted once per batch and
        scored exactly, so a stale index entry never makes a suspect."""
        spec = self.spec
        prints: dict[int, detect.Fingerprint] = {}
        for pk, data in indexable_data(spec, sorted(wanted)).items():
            prints[pk] = detect.fingerprint(spec.kind, data)
        for item, candidates in zip(checked, found, strict=True):
            for pk in candidates:
                target = prints.get(pk)
                if target is None:
                    continue
                suspect = detect.compare(
                    spec.kind, item.fingerprint, pk, target, translate=_translate
                )
                if suspect is not None:
                    item.suspects.append(suspect)

    def add(self, record: Any, item: Checked) -> None:
        """Put a written record in the process index (its keys are already computed)."""
        index_add_keys(self.spec, record, item.fingerprint, item.keys)


def resolve(suspects: list[detect.Suspect], written: Mapping[int, int]) -> list[detect.Suspect]:
    """Replace batch positions by the ids the records got; drop rows that were not written."""
    out = []
    for suspect in suspects:
        target = suspect.target_id
        if target is not None and target < 0:
            real = written.get(-target - 1)
            if real is None:
                continue
            suspect.target_id = real
        out.append(suspect)
    return out


def fold_hidden(kind: str, suspects: list[detect.Suspect], viewer: Viewer) -> list[detect.Suspect]:
    """What ``viewer`` may be told: suspects they cannot see fold into one neutral entry (the
    same rule as ``selectors.duplicate_suspects_for``)."""
    if viewer.is_staff_role or not suspects:
        return suspects
    spec = kind_spec(kind)
    visible = set(
        spec.model._default_manager.filter(
            visible_q(spec, viewer), pk__in=[s.target_id for s in suspects]
        ).values_list("pk", flat=True)
    )
    shown = [s for s in suspects if s.target_id in visible]
    hidden = [s for s in suspects if s.target_id not in visible]
    if hidden:
        shown.append(
            detect.Suspect(
                kind=spec.kind,
                target_id=None,
                score=max(s.score for s in hidden),
                certainty="certain"
                if any(s.certainty == "certain" for s in hidden)
                else "suspected",
                reasons=[detect.render_reason("hidden", {}, _translate)],
                reason_codes=[("hidden", {})],
            )
        )
    return shown
