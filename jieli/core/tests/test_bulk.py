"""``insert_many`` writes what ``bulk_create`` writes, and gives the ids back in order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jieli.achievements.models import Achievement
from jieli.core.bulk import insert_many
from jieli.core.models import ChangeRecord
from jieli.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _entries(tag: str) -> list[ChangeRecord]:
    ct = ContentType.objects.get_for_model(Organisation)
    return [
        ChangeRecord(
            content_type=ct,
            object_id=n,
            actor_id=None,
            action="import",
            changes={"title": ["", f"{tag} 标题 {n}"], "keywords": [[], ["甲", n, None]]},
            reason=tag if n % 2 else "",
        )
        for n in range(7)
    ]


def test_insert_many_writes_the_rows_bulk_create_writes():
    made = insert_many(ChangeRecord, _entries("x"))
    reference = ChangeRecord.objects.bulk_create(_entries("x"))
    assert [r.pk for r in made] == sorted(r.pk for r in made)
    assert all(r.pk and not r._state.adding for r in made)
    fields = ["content_type_id", "object_id", "actor_id", "action", "changes", "reason"]
    ours = list(
        ChangeRecord.objects.filter(pk__in=[r.pk for r in made]).order_by("pk").values(*fields)
    )
    theirs = list(
        ChangeRecord.objects.filter(pk__in=[r.pk for r in reference]).order_by("pk").values(*fields)
    )
    assert ours == theirs
    # Each object got the id of its own row.
    for obj in made:
        assert ChangeRecord.objects.get(pk=obj.pk).object_id == obj.object_id
    assert all(
        r.created_at is not None for r in ChangeRecord.objects.filter(pk__in=[r.pk for r in made])
    )


def test_insert_many_keeps_decimals_dates_json_and_foreign_keys():
    org = Organisation.objects.create(name="批量机构", org_type="university")
    rows = [
        Achievement(
            owner_id=org.pk,
            title=f"成果 {n}",
            summary="摘要",
            keywords=["氢能", f"k{n}"],
            transfer_modes=["license"],
            price_wan=Decimal("12.50") if n else None,
            price_negotiable=not n,
        )
        for n in range(3)
    ]
    insert_many(Achievement, rows)
    back = {a.pk: a for a in Achievement.objects.filter(pk__in=[r.pk for r in rows])}
    assert len(back) == 3
    for row in rows:
        saved = back[row.pk]
        assert (saved.title, saved.owner_id, saved.keywords) == (row.title, org.pk, row.keywords)
        assert saved.price_wan == row.price_wan
        assert saved.price_negotiable is row.price_negotiable
        assert saved.created_at is not None and saved.updated_at is not None


def test_insert_many_refuses_saved_rows():
    first = insert_many(ChangeRecord, _entries("y"))[0]
    with pytest.raises(ValueError):
        insert_many(ChangeRecord, [first])


def test_insert_many_can_skip_rows_that_break_a_unique_constraint():
    from jieli.duplicates.models import DuplicateCase

    def case(b: int, score: float) -> DuplicateCase:
        return DuplicateCase(
            kind="achievement", record_a_id=1, record_b_id=b, score=score, certainty="suspected"
        )

    insert_many(DuplicateCase, [case(2, 0.6)])
    insert_many(DuplicateCase, [case(2, 0.9), case(3, 0.7)], ignore_conflicts=True)
    assert sorted(DuplicateCase.objects.values_list("record_b_id", "score")) == [(2, 0.6), (3, 0.7)]


def test_insert_many_sends_one_array_a_column_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's array path")
    with CaptureQueriesContext(connection) as queries:
        made = insert_many(ChangeRecord, _entries("u"))
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "UNNEST(" in inserts[0]
    stored = dict(
        ChangeRecord.objects.filter(pk__in=[r.pk for r in made]).values_list("pk", "reason")
    )
    assert [stored[r.pk] for r in made] == [r.reason for r in made]
