"""Two issues at once: of the same evaluation, one report; of two evaluations of the same
achievement, versions 1 and 2 (the achievement's row serialises the numbering)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jieli.core.errors import InvalidInput
from jieli.evaluations import services
from jieli.evaluations.models import EvaluationReport
from jieli.evaluations.tests.factories import build
from jieli.organisations.tests.factories import viewer_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent writers (PostgreSQL); SQLite runs one writer at a time",
    ),
]


@pytest.fixture(autouse=True)
def _shipped_index_systems(code_lists):
    """The flush of an earlier transactional test also removed the index systems the
    migration ships: put them back as the migration does (after the code lists)."""
    del code_lists  # requested for its effect: the code lists are loaded first
    from django.apps import apps

    from jieli.evaluations.models import IndexSystem

    if not IndexSystem.objects.exists():
        import importlib

        shipped = importlib.import_module("jieli.evaluations.migrations.0002_default_index_systems")
        shipped.forwards(apps, None)


def _race(calls):
    start = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call):
        try:
            start.wait(5)
            outcomes.append(call())
        except BaseException as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_the_same_evaluation_issued_twice_at_once_gives_one_report(roles, achievement):
    e = build(roles, achievement, upto="valuing").evaluation
    sec = viewer_of(roles.secretariat)
    outcomes = _race([lambda: services.evaluation_issue(viewer=sec, evaluation_id=e.pk)] * 2)
    assert sum(isinstance(o, EvaluationReport) for o in outcomes) == 1
    assert sum(isinstance(o, InvalidInput) for o in outcomes) == 1
    assert EvaluationReport.objects.count() == 1


def test_two_evaluations_of_one_achievement_get_versions_1_and_2(roles, achievement, monkeypatch):
    import time

    from jieli.evaluations import report

    real = report.build_snapshot

    def slow(*args, **kwargs):  # widen the window between numbering and inserting
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "build_snapshot", slow)
    a = build(roles, achievement, upto="valuing").evaluation
    b = build(roles, achievement, upto="valuing", prefix="second").evaluation
    sec = viewer_of(roles.secretariat)
    outcomes = _race(
        [
            lambda: services.evaluation_issue(viewer=sec, evaluation_id=a.pk),
            lambda: services.evaluation_issue(viewer=sec, evaluation_id=b.pk),
        ]
    )
    assert all(isinstance(o, EvaluationReport) for o in outcomes), outcomes
    assert sorted(EvaluationReport.objects.values_list("version", flat=True)) == [1, 2]
