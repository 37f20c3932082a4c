"""Shipped demo vectors: keyed by text hash, stored for matching listings only."""

from __future__ import annotations

import numpy as np
import pytest

from jieli.demo import vectors as demo_vectors
from jieli.matching.documents import text_for, text_sha1
from jieli.matching.models import ListingVector
from jieli.matching.services import vectors_pending

pytestmark = pytest.mark.django_db


class _FakeFreeEncoder:
    """A deterministic real encoder would need model weights; this one hashes characters."""

    name, dim = "use-m3", 8

    def encode_passages(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t:
                out[i, ord(ch) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_build_then_load_stores_vectors_keyed_by_text_hash(tmp_path, monkeypatch):
    from jieli.demo.loading import demo_load

    demo_load(limit=5)
    monkeypatch.setattr(demo_vectors, "DATA_DIR", tmp_path)
    monkeypatch.setattr(
        "jieli.matching.engine.encoders.get_encoder", lambda name, **kw: _FakeFreeEncoder()
    )
    path = demo_vectors.demo_vectors_build(encoder="use")
    assert path.exists()
    shipped = demo_vectors.read_vectors("use")
    assert shipped and all(len(k) == 40 for k in shipped)
    before = len(vectors_pending(kind="achievement", encoder="use"))
    assert before > 0
    # An edited listing no longer matches its shipped hash: it stays pending.
    from jieli.achievements.models import Achievement

    edited = Achievement.objects.exclude(status="archived").first()
    Achievement.objects.filter(pk=edited.pk).update(summary="改过的摘要")
    counts = demo_vectors.demo_vectors_load(encoders=["use"])
    assert counts["use"] > 0
    pending = {pk for pk, _ in vectors_pending(kind="achievement", encoder="use")}
    assert pending == {edited.pk}
    stored = ListingVector.objects.filter(kind="achievement", encoder="use").first()
    row = Achievement.objects.get(pk=stored.object_id)
    assert stored.text_sha1 == text_sha1(text_for("achievement", row))
    vec = np.frombuffer(bytes(stored.vector), dtype="<f2")
    assert np.allclose(vec, shipped[stored.text_sha1], atol=1e-3)
    # Loading twice adds nothing.
    assert demo_vectors.demo_vectors_load(encoders=["use"])["use"] == 0
