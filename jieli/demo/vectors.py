"""The demo's sentence vectors, computed once and shipped, keyed by the hash of the text.

Encoding the demo's ~6,000 listings takes tens of minutes on two cores (e5 over an hour), so
``make run`` would otherwise spend its first half hour in the bulk queue. Instead:

* ``manage.py jieli_demo_vectors build [--encoder use]`` encodes every demo listing's index
  text (``jieli.matching.documents.text_for``) and writes ``data/vectors-<encoder>.npz``:
  the SHA-1 of each text and its float16 vector, compressed. Vectors already in the file are
  reused, so a rebuild after the demo content changes only encodes the changed texts.
* ``demo_vectors_load`` (run by ``jieli_bootstrap`` after the demo data) stores the shipped
  vector of every listing whose current text hash is in the file. A listing whose text is
  not there (edited, or new demo content) simply stays pending and the bulk queue encodes it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("demand", "expert", "achievement")


def vectors_file(encoder: str) -> Path:
    return DATA_DIR / f"vectors-{encoder}.npz"


def _texts() -> dict[str, str]:
    """sha1 -> text of every indexable demo listing."""
    from jieli.matching.documents import indexable, text_for, text_sha1

    out: dict[str, str] = {}
    for kind in KINDS:
        for row in indexable(kind).iterator(chunk_size=2000):
            text = text_for(kind, row)
            out[text_sha1(text)] = text
    return out


def read_vectors(encoder: str) -> dict[str, np.ndarray]:
    path = vectors_file(encoder)
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        keys = [bytes(k).decode("ascii") for k in data["sha1"].tolist()]
        return dict(zip(keys, data["vectors"], strict=True))


def demo_vectors_build(
    *, encoder: str, stdout: TextIO | Any | None = None, batch: int = 64
) -> Path:
    """Encode the demo texts missing from the file and write it (float16, compressed)."""
    from jieli.matching.engine.encoders import get_encoder

    texts = _texts()
    known = {k: v for k, v in read_vectors(encoder).items() if k in texts}
    todo = [sha for sha in texts if sha not in known]
    model = get_encoder(encoder)
    started = time.monotonic()
    for i in range(0, len(todo), batch):
        part = todo[i : i + batch]
        for sha, vec in zip(part, model.encode_passages([texts[s] for s in part]), strict=True):
            known[sha] = vec.astype("<f2")
        if stdout is not None:
            stdout.write(f"{encoder}: {min(i + batch, len(todo))}/{len(todo)} encoded\n")
    order = sorted(known)
    path = vectors_file(encoder)
    np.savez_compressed(
        path,
        sha1=np.array(order, dtype="S40"),
        vectors=np.vstack([known[s] for s in order]).astype("<f2"),
    )
    if stdout is not None:
        stdout.write(
            f"{path.name}: {len(order)} vectors, {path.stat().st_size / 1e6:.1f} MB, "
            f"{len(todo)} encoded in {time.monotonic() - started:.0f} s\n"
        )
    return path


def demo_vectors_load(*, encoders: list[str] | None = None) -> dict[str, int]:
    """Store the shipped vectors of listings whose text matches; return how many per encoder."""
    from django.conf import settings
    from django.db import transaction

    from jieli.matching.documents import indexable, text_for, text_sha1
    from jieli.matching.models import ListingVector

    names = encoders if encoders is not None else list(settings.JIELI_DENSE_ENCODERS)
    counts: dict[str, int] = {}
    for encoder in names:
        shipped = read_vectors(encoder)
        counts[encoder] = 0
        if not shipped:
            continue
        for kind in KINDS:
            have = set(
                ListingVector.objects.filter(kind=kind, encoder=encoder).values_list(
                    "object_id", flat=True
                )
            )
            rows = []
            for row in indexable(kind).iterator(chunk_size=2000):
                sha = text_sha1(text_for(kind, row))
                vec = shipped.get(sha)
                if vec is None or row.pk in have:
                    continue
                rows.append(
                    ListingVector(
                        kind=kind,
                        object_id=row.pk,
                        encoder=encoder,
                        text_sha1=sha,
                        dim=int(vec.shape[0]),
                        vector=np.ascontiguousarray(vec, dtype="<f2").tobytes(),
                        source_updated_at=row.updated_at,
                    )
                )
            with transaction.atomic():
                ListingVector.objects.bulk_create(rows, batch_size=1000)
            counts[encoder] += len(rows)
    return counts
