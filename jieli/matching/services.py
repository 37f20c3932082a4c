"""Writes of the matching app: sentence vectors, match feedback, index rebuilds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput, NotAuthenticated, NotFound
from jieli.core.listing import ListingStatus
from jieli.core.viewer import Viewer
from jieli.matching.documents import indexable, text_for, text_sha1
from jieli.matching.index import dense_components, index_for, reset_indexes
from jieli.matching.models import ListingKind, ListingVector, MatchFeedback

VECTOR_BATCH = 64


def _encoder(name: str):  # type: ignore[no-untyped-def]
    from jieli.matching.engine.encoders import get_encoder

    return get_encoder(name)


def vectors_pending(*, kind: str, encoder: str) -> list[tuple[int, str]]:
    """(id, text, version) of listings whose vector is missing or was computed from other text.

    Only listings changed since their vector's text was read are looked at (an anti-join on
    the vector's unique key): the bulk worker asks every minute, and reading and hashing every
    listing's text each time cost it seconds of CPU on the demo, taken from the web workers on
    the same cores. A listing whose text is unchanged (published, confirmed) has its vector's
    ``source_updated_at`` moved on, so it is not looked at again.

    Drafts wait until they are submitted: a draft is edited again and again and seen only by
    its owner, and a passage costs ~0.5 s of CPU with e5 — under the load test's draft writes
    (2 a second) encoding them took a core. Until then a draft is found by its words."""
    return [(pk, text) for pk, text, _version in _pending_versions(kind=kind, encoder=encoder)]


def _pending_versions(*, kind: str, encoder: str) -> list[tuple[int, str, Any]]:
    rows = indexable(kind)
    if any(f.name == "status" for f in rows.model._meta.get_fields()):
        rows = rows.exclude(status=ListingStatus.DRAFT)
    current = ListingVector.objects.filter(
        kind=kind,
        encoder=encoder,
        object_id=OuterRef("pk"),
        source_updated_at__gte=OuterRef("updated_at"),
    )
    changed = list(rows.filter(~Exists(current)).order_by("pk").iterator(chunk_size=2000))
    if not changed:
        return []
    have: dict[int, tuple[int, str]] = {}
    for start in range(0, len(changed), 500):
        ids = [row.pk for row in changed[start : start + 500]]
        for object_id, pk, sha in ListingVector.objects.filter(
            kind=kind, encoder=encoder, object_id__in=ids
        ).values_list("object_id", "pk", "text_sha1"):
            have[object_id] = (pk, sha)
    pending, unchanged = [], []
    for row in changed:
        text = text_for(kind, row)
        vector = have.get(row.pk)
        if vector is not None and vector[1] == text_sha1(text):
            unchanged.append(ListingVector(pk=vector[0], source_updated_at=row.updated_at))
        else:
            pending.append((row.pk, text, row.updated_at))
    if unchanged:
        # Not ``updated_at``: the live indexes reload vectors by it, and this one is the same.
        ListingVector.objects.bulk_update(unchanged, ["source_updated_at"], batch_size=500)
    return pending


def vectors_compute(
    *,
    kind: str,
    encoder: str,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: Callable[[int], None] | None = None,
) -> int:
    """Encode pending listings in batches, one short transaction per batch; return how many.

    Encoding (seconds of CPU) happens before the transaction; the transaction is one upsert
    statement and the checkpoint. That matters on SQLite, where a write transaction holds the
    only write lock: the bulk worker runs at a low CPU priority, and a transaction of a
    statement per row, descheduled halfway under load, held every import and every user
    waiting (issue 7.6).

    ``checkpoint(done)`` is called inside each batch's transaction, so what it records is
    exactly what was committed (a job's honest count if its worker is killed)."""
    pending = _pending_versions(kind=kind, encoder=encoder)
    if limit is not None:
        pending = pending[:limit]
    if not pending:
        return 0
    model = _encoder(encoder)
    done = 0
    for start in range(0, len(pending), VECTOR_BATCH):
        batch = pending[start : start + VECTOR_BATCH]
        vectors = model.encode_passages([text for _pk, text, _v in batch]).astype("<f2")
        rows = [
            ListingVector(
                kind=kind,
                object_id=pk,
                encoder=encoder,
                text_sha1=text_sha1(text),
                dim=int(vec.shape[0]),
                vector=np.ascontiguousarray(vec).tobytes(),
                source_updated_at=version,
            )
            for (pk, text, version), vec in zip(batch, vectors, strict=True)
        ]
        with transaction.atomic():
            ListingVector.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["kind", "object_id", "encoder"],
                update_fields=["text_sha1", "dim", "vector", "source_updated_at", "updated_at"],
            )
            if checkpoint:
                checkpoint(done + len(batch))
        done += len(batch)
        if progress:
            progress(done, len(pending))
    return done


def vectors_refresh_all(
    *,
    limit_per_kind: int | None = None,
    checkpoint: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Encode what is pending, the fast encoders first (``JIELI_DENSE_ENCODERS`` order) and
    the small demand and expert sets before the many achievements."""
    out = {}
    for component in dense_components():
        encoder = component.removeprefix("dense_")
        for kind in (ListingKind.DEMAND, ListingKind.EXPERT, ListingKind.ACHIEVEMENT):
            key = f"{kind}:{encoder}"

            def batch_done(done: int, key: str = key) -> None:
                if checkpoint:
                    checkpoint(key, done)

            out[key] = vectors_compute(
                kind=kind, encoder=encoder, limit=limit_per_kind, checkpoint=batch_done
            )
    return out


def index_rebuild(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Drop the in-memory indexes of this process and build them again from the database."""
    reset_indexes()
    counts: dict[str, int] = {}
    for kind in (ListingKind.ACHIEVEMENT, ListingKind.DEMAND, ListingKind.EXPERT):
        counts[kind] = index_for(kind).sync()
        if progress:
            progress(kind, counts[kind])
    return counts


def match_feedback_record(
    *,
    viewer: Viewer,
    source_kind: str,
    source_id: int,
    target_kind: str,
    target_id: int,
    useful: bool,
    score: float | None = None,
    rank: int | None = None,
    comment: str = "",
) -> MatchFeedback:
    """Store (or change) one person's judgement of one suggested match."""
    from jieli.matching.selectors import listing_visible

    user_id = viewer.user_id
    if user_id is None:
        raise NotAuthenticated()
    kinds = set(ListingKind.values)
    errors = {}
    if source_kind not in kinds:
        errors["source_kind"] = [_("Unknown kind.")]
    if target_kind not in kinds:
        errors["target_kind"] = [_("Unknown kind.")]
    if len(comment) > 500:
        errors["comment"] = [_("At most {n} characters.").format(n=500)]
    if errors:
        raise InvalidInput(fields=errors)
    if not (
        listing_visible(viewer, source_kind, source_id)
        and listing_visible(viewer, target_kind, target_id)
    ):
        raise NotFound()
    try:
        with transaction.atomic():
            feedback, _created = MatchFeedback.objects.update_or_create(
                user_id=user_id,
                source_kind=source_kind,
                source_id=source_id,
                target_kind=target_kind,
                target_id=target_id,
                defaults={"useful": useful, "score": score, "rank": rank, "comment": comment},
            )
    except IntegrityError:  # the same person clicking twice at once: the other click won
        feedback = MatchFeedback.objects.get(
            user_id=user_id,
            source_kind=source_kind,
            source_id=source_id,
            target_kind=target_kind,
            target_id=target_id,
        )
    return feedback
