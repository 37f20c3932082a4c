"""The live index: no rebuild for unchanged rows, snapshots, warm-up, late vectors."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from jieli.achievements.tests.factories import AchievementFactory
from jieli.matching import index as live
from jieli.matching.documents import text_for, text_sha1
from jieli.matching.models import ListingVector

pytestmark = pytest.mark.django_db


def test_sync_does_not_reapply_unchanged_rows():
    AchievementFactory.create_batch(3, title="低温锂电池电解液")
    idx = live.index_for("achievement")
    assert idx.sync() == 3
    lexical = idx.engine.lexical["bm25_words"]
    lexical.doc_ids  # noqa: B018 - build
    built = lexical._cols
    # The rows at the time boundary are read again, but their text did not change.
    assert idx.sync() == 0
    assert idx.search("锂电池", k=5) and lexical._cols is built


def test_snapshot_round_trip_and_catch_up(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first = AchievementFactory(title="低温锂电池电解液")
    live.warm_indexes(save=True, vectors=False)
    assert (tmp_path / "index" / "achievement.pickle").exists()
    live.reset_indexes()
    second = AchievementFactory(title="风电齿轮箱故障诊断")  # after the snapshot
    assert live.snapshot_load("achievement")
    idx = live.index_for("achievement")
    assert idx.doc_ids == {str(first.pk)}
    idx.sync()
    assert [r.doc_id for r in idx.search("故障诊断", k=3)][:1] == [str(second.pk)]
    assert [r.doc_id for r in idx.search("锂电池", k=3)][:1] == [str(first.pk)]


def test_a_snapshot_for_another_dictionary_is_ignored(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    AchievementFactory(title="低温锂电池电解液")
    live.warm_indexes(save=True, vectors=False)
    live.reset_indexes()
    assert not live.snapshot_load("achievement", key="another-dictionary")


def test_vectors_stored_before_a_listing_joins_the_index_are_picked_up(settings):
    settings.JIELI_DENSE_ENCODERS = ["use"]
    live.reset_indexes()
    kept = AchievementFactory(title="甲")
    archived = AchievementFactory(title="乙", status="archived")
    idx = live.index_for("achievement")
    for row in (kept, archived):
        ListingVector.objects.create(
            kind="achievement", object_id=row.pk, encoder="use",
            text_sha1=text_sha1(text_for("achievement", row)), dim=512,
            vector=np.ones(512, dtype="<f2").tobytes(),
        )  # fmt: skip
    idx.sync()
    assert idx.vector_count() == {"dense_use": 1}
    # Services stamp updated_at on every write; the index reads what changed by that stamp.
    type(archived).objects.filter(pk=archived.pk).update(
        status="published", updated_at=timezone.now()
    )
    idx.sync()
    assert idx.vector_count() == {"dense_use": 2}


def test_a_sync_with_nothing_new_costs_one_query(django_assert_num_queries):
    """Every search syncs first; with nothing changed since, that is one indexed query (the
    rows at the time boundary are not read and applied again)."""
    live.reset_indexes()
    first = AchievementFactory(title="锂电池低温电解液")
    idx = live.index_for("achievement")
    idx.sync(vectors=False)
    with django_assert_num_queries(1):
        assert idx.sync(vectors=False) == 0
    first.title = "锂电池高温电解液"
    first.save()
    second = AchievementFactory(title="智能灌溉控制系统")
    assert idx.sync(vectors=False) == 2
    assert {r.doc_id for r in idx.engine.search("灌溉", k=5)} == {str(second.pk)}
    with django_assert_num_queries(1):
        assert idx.sync(vectors=False) == 0
