"""The dense path through the platform: background vectors, coverage gate, cross-language hits.

Uses the packaged USE model (numpy only, loads in about a second)."""

import itertools

import pytest

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.jobs import job_checkpoint
from jieli.core.models import JobRun
from jieli.matching import selectors, services
from jieli.matching.documents import text_for
from jieli.matching.index import index_for
from jieli.matching.models import ListingVector
from jieli.organisations.tests.factories import OrganisationFactory, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def use_only(settings):
    settings.JIELI_DENSE_ENCODERS = ["use"]


@pytest.fixture
def listings(use_only):
    owner = OrganisationFactory()
    return [
        AchievementFactory(
            owner=owner,
            title="锂离子电池低温电解液",
            summary="提高电池低温性能。",
            keywords=["电池"],
        ),
        AchievementFactory(
            owner=owner, title="水稻高产栽培技术", summary="提高水稻产量。", keywords=["水稻"]
        ),
        AchievementFactory(
            owner=owner, title="风力发电机叶片检测", summary="叶片无损检测。", keywords=["风电"]
        ),
    ]


def test_vectors_are_computed_once_per_text(listings):
    assert services.vectors_compute(kind="achievement", encoder="use") == 3
    assert ListingVector.objects.count() == 3
    assert services.vectors_compute(kind="achievement", encoder="use") == 0
    listings[0].summary = "新的摘要。"
    listings[0].save()
    assert services.vectors_compute(kind="achievement", encoder="use") == 1


def test_the_minute_job_reads_only_listings_changed_since_their_vector(listings, monkeypatch):
    """The bulk worker asks every minute; it must not hash every listing's text each time."""
    from jieli.matching import services as services_module

    assert services.vectors_compute(kind="achievement", encoder="use") == 3
    read: list[int] = []
    original = services_module.text_for

    def counting(kind, row):
        read.append(row.pk)
        return original(kind, row)

    monkeypatch.setattr(services_module, "text_for", counting)
    assert services.vectors_pending(kind="achievement", encoder="use") == []
    assert read == []  # nothing changed: no listing read at all
    # Published again with the same text: read once, not re-encoded, and not read again.
    listings[1].confirmed_at = listings[1].updated_at
    listings[1].save()
    assert services.vectors_pending(kind="achievement", encoder="use") == []
    assert read == [listings[1].pk]
    stored = ListingVector.objects.get(object_id=listings[1].pk)
    assert stored.source_updated_at == listings[1].updated_at
    assert services.vectors_pending(kind="achievement", encoder="use") == []
    assert read == [listings[1].pk]


def test_an_edit_made_while_its_text_was_being_encoded_is_encoded_again(listings, monkeypatch):
    from jieli.matching import services as services_module

    original = services_module._pending_versions

    def edit_after_reading(*, kind, encoder):
        pending = original(kind=kind, encoder=encoder)
        listings[0].summary = "编码期间改过的摘要。"
        listings[0].save()
        return pending

    monkeypatch.setattr(services_module, "_pending_versions", edit_after_reading)
    assert services.vectors_compute(kind="achievement", encoder="use") == 3
    monkeypatch.setattr(services_module, "_pending_versions", original)
    # The stored vector is of the text read before the edit: the listing is pending again.
    assert [pk for pk, _t in services.vectors_pending(kind="achievement", encoder="use")] == [
        listings[0].pk
    ]
    assert services.vectors_compute(kind="achievement", encoder="use") == 1


def test_dense_component_waits_for_coverage(listings):
    index = index_for("achievement")
    index.sync()
    assert index._ready_config().weights["dense_use"] == 0.0
    services.vectors_compute(kind="achievement", encoder="use")
    index.sync()
    assert index._ready_config().weights["dense_use"] > 0


def test_drafts_are_encoded_once_submitted_and_do_not_hold_the_component_off(listings):
    owner = listings[0].owner
    drafts = [
        AchievementFactory(owner=owner, title=f"草稿成果{i}", summary="草稿。", draft=True)
        for i in range(20)
    ]
    assert services.vectors_compute(kind="achievement", encoder="use") == 3  # no draft
    index = index_for("achievement")
    index.sync()
    # 3 of 23 indexed listings have a vector, but all 3 public ones do: the component is on.
    assert index._ready_config().weights["dense_use"] > 0
    drafts[0].status = "submitted"
    drafts[0].save()
    assert services.vectors_compute(kind="achievement", encoder="use") == 1
    assert ListingVector.objects.filter(object_id=drafts[0].pk).exists()


def test_english_query_finds_chinese_listing_through_meaning(listings):
    services.vectors_compute(kind="achievement", encoder="use")
    found = selectors.search(viewer_of(None), kind="achievement", q="rice farming yield")
    assert found and found[0].obj == listings[1]
    assert found[0].components["dense_use"] > 0


def _count_query_encodings(monkeypatch) -> list[str]:
    from jieli.matching.engine import engine as engine_module
    from jieli.matching.engine.encoders import USEEncoder

    engine_module._query_vectors.clear()
    encoded: list[str] = []
    original = USEEncoder.encode_queries

    def counting(self, texts):
        encoded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(USEEncoder, "encode_queries", counting)
    return encoded


def test_a_listings_matches_use_its_stored_vector_not_a_new_encoding(listings, monkeypatch):
    services.vectors_compute(kind="achievement", encoder="use")
    encoded = _count_query_encodings(monkeypatch)
    similar = selectors.similar_achievements(viewer_of(None), achievement_id=listings[0].pk)
    assert encoded == []  # the listing's own stored vector was the query
    assert all(m.obj != listings[0] for m in similar)


def test_an_edited_listing_is_encoded_afresh_not_matched_by_its_stale_vector(listings, monkeypatch):
    services.vectors_compute(kind="achievement", encoder="use")
    listings[0].summary = "用于风力发电机叶片的无损检测。"
    listings[0].save()
    encoded = _count_query_encodings(monkeypatch)
    selectors.similar_achievements(viewer_of(None), achievement_id=listings[0].pk)
    assert len(encoded) == 1 and "风力发电机" in encoded[0]


def test_the_same_query_is_encoded_once_for_every_kind(listings, monkeypatch):
    services.vectors_compute(kind="achievement", encoder="use")
    encoded = _count_query_encodings(monkeypatch)
    for _ in range(2):
        selectors.search(viewer_of(None), kind="achievement", q="rice farming yield")
        selectors.search(viewer_of(None), kind="demand", q="rice farming yield")
    assert encoded == ["rice farming yield"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # another model's dimension
        lambda blob: blob + b"\x00",  # an odd byte count
        lambda blob: b"\x00\x7c" * (len(blob) // 2),  # half-float infinities
    ],
    ids=["other-dimension", "odd-bytes", "not-finite"],
)
def test_a_damaged_stored_vector_is_skipped_not_a_server_error(listings, damage):
    services.vectors_compute(kind="achievement", encoder="use")
    index = index_for("achievement")
    index.sync()
    source = ("achievement", listings[0].pk)
    row = ListingVector.objects.get(object_id=listings[0].pk)
    query_text = text_for("achievement", listings[0])
    assert set(index._stored_vectors(source, query_text)) == {"dense_use"}
    row.vector = damage(bytes(row.vector))
    row.save()
    index.vector_sha.pop(("dense_use", str(listings[0].pk)), None)
    index.sync()
    # Indexing skipped it; as a query the listing falls back to its text instead of failing.
    assert ("dense_use", str(listings[0].pk)) not in index.vector_sha
    assert index._stored_vectors(source, query_text) == {}
    similar = selectors.similar_achievements(viewer_of(None), achievement_id=listings[0].pk)
    assert all(m.obj != listings[0] for m in similar)


def test_vector_batches_encode_outside_the_transaction_and_write_in_one_statement(
    use_only, monkeypatch
):
    """On SQLite a write transaction holds the only write lock while the (low-priority) bulk
    worker may be descheduled: imports waited behind a statement per vector (issue 7.6)."""
    import numpy as np
    from django.db import connection

    owner = OrganisationFactory()
    for i in range(5):
        AchievementFactory(owner=owner, title=f"成果{i}", summary=f"摘要{i}。")
    # The test runs inside the test case's transaction: a transaction of the code under test
    # is a savepoint deeper than where the test starts.
    outside = len(connection.savepoint_ids)

    def in_transaction() -> bool:
        return len(connection.savepoint_ids) > outside

    events: list[tuple[str, bool]] = []

    class Encoder:
        def encode_passages(self, texts):
            events.append(("encode", in_transaction()))
            return np.ones((len(texts), 4), dtype="float32")

    def record(execute, sql, params, many, context):
        if not sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            events.append(("sql", in_transaction()))
        return execute(sql, params, many, context)

    monkeypatch.setattr(services, "_encoder", lambda _name: Encoder())
    monkeypatch.setattr(services, "VECTOR_BATCH", 2)
    run = JobRun.objects.create(kind="vectors")
    with connection.execute_wrapper(record):
        done = services.vectors_compute(
            kind="achievement",
            encoder="use",
            checkpoint=lambda n: job_checkpoint(run, {"achievement:use": n}),
        )
    assert done == 5
    assert JobRun.objects.get(pk=run.pk).counts == {"achievement:use": 5}
    assert [e for e in events if e[0] == "encode"] == [("encode", False)] * 3
    # Between encodings: one transaction of two statements, the upsert and the checkpoint.
    writes = [len(list(g)) for k, g in itertools.groupby(events, key=lambda e: e[1]) if k]
    assert writes == [2, 2, 2]
    assert ListingVector.objects.filter(encoder="use", dim=4).count() == 5
    # A stale vector (stored before versions were recorded) is replaced in place, not duplicated.
    stale = ListingVector.objects.filter(dim=4).first()
    ListingVector.objects.filter(pk=stale.pk).update(text_sha1="stale", source_updated_at=None)
    assert services.vectors_compute(kind="achievement", encoder="use") == 1
    assert ListingVector.objects.filter(object_id=stale.object_id).count() == 1
    assert ListingVector.objects.get(pk=stale.pk).text_sha1 != "stale"
