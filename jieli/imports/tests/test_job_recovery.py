"""An import whose worker dies: marked failed, with counts that match what was written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jieli.achievements.models import Achievement
from jieli.core import jobs
from jieli.core.models import JobRun
from jieli.imports import engine
from jieli.imports.models import ImportJob, JobStatus
from jieli.imports.services import import_job_create
from jieli.imports.tests.helpers import HEADER, achievement_rows, write_csv

pytestmark = pytest.mark.django_db


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler sees it."""


def _kill_after_batches(monkeypatch, n: int) -> None:
    """The worker dies after its n-th batch was committed, before writing the next one."""
    real = engine.Run._write_batch
    seen = {"batches": 0}

    def write_batch(self, *args, **kwargs):
        if seen["batches"] == n:
            raise _Killed
        seen["batches"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine.Run, "_write_batch", write_batch)


def _queue(tmp_path, viewer, owner, mode, rows=7, *, external_ids=True):
    table = achievement_rows(rows)
    if not external_ids:  # a row written twice would be a second record, not an update
        for row in table:
            row[0] = ""
    path = write_csv(tmp_path / "a.csv", HEADER, table)
    upload = SimpleUploadedFile("a.csv", path.read_bytes())
    return import_job_create(
        viewer=viewer, kind="achievements", upload=upload, mode=mode, owner=owner.pk
    )


def _worker_died() -> None:
    """The worker process is gone: point its runs at a pid that no longer exists."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    JobRun.objects.filter(status=JobRun.Status.RUNNING).update(pid=child.pid)


def test_killed_valid_rows_import_is_failed_with_the_committed_counts(
    tmp_path, media, staff_viewer, owner_org, monkeypatch
):
    monkeypatch.setattr(engine, "BATCH_SIZE", 3)
    _kill_after_batches(monkeypatch, 2)  # 6 of 7 rows committed, then the worker dies
    with pytest.raises(_Killed):
        _queue(tmp_path, staff_viewer, owner_org, "valid-rows")
    job = ImportJob.objects.get()
    assert job.status == JobStatus.RUNNING  # what a dead worker leaves behind
    _worker_died()
    dead = jobs.jobs_reap()
    assert [r.kind for r in dead] == ["import"]
    job.refresh_from_db()
    written = Achievement.objects.filter(source="import").count()
    assert written == 6
    assert job.status == JobStatus.FAILED
    assert job.created_count == written and job.processed_rows == 6
    assert "6" in job.error and job.report["interrupted"] is True
    assert dead[0].counts["created_count"] == written


def test_killed_all_or_nothing_import_reports_nothing_written(
    tmp_path, media, staff_viewer, owner_org, monkeypatch
):
    monkeypatch.setattr(engine, "BATCH_SIZE", 3)

    def die(self):
        raise _Killed  # inside the one write transaction: it is rolled back

    monkeypatch.setattr(engine.Run, "_checkpoint", die)
    with pytest.raises(_Killed):
        _queue(tmp_path, staff_viewer, owner_org, "all-or-nothing")
    _worker_died()
    jobs.jobs_reap()
    job = ImportJob.objects.get()
    assert Achievement.objects.count() == 0
    assert job.status == JobStatus.FAILED and job.created_count == 0
    assert "nothing was written" in job.error


def test_finished_import_leaves_a_done_run(tmp_path, media, staff_viewer, owner_org):
    job = _queue(tmp_path, staff_viewer, owner_org, "valid-rows", rows=2)
    assert job.status == JobStatus.DONE and job.created_count == 2
    run = JobRun.objects.get(kind="import", ref=str(job.pk))
    assert run.status == JobRun.Status.DONE
    assert jobs.jobs_reap() == []


def test_killed_all_or_nothing_import_is_resumed_and_finishes_the_file_once(
    tmp_path, media, staff_viewer, owner_org, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(engine, "BATCH_SIZE", 3)
    real = engine.Run._write_batch
    _kill_after_batches(monkeypatch, 1)  # 3 of 7 rows committed, then the worker dies
    with pytest.raises(_Killed):
        _queue(tmp_path, staff_viewer, owner_org, "all-or-nothing", external_ids=False)
    assert Achievement.objects.count() == 3
    monkeypatch.setattr(engine.Run, "_write_batch", real)  # the next worker is healthy
    _worker_died()
    with django_capture_on_commit_callbacks(execute=True):
        dead = jobs.jobs_reap()
    assert [r.kind for r in dead] == ["import"]
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE, job.error
    # Every row once: the resumed run skipped the 3 rows the dead worker had committed.
    assert Achievement.objects.count() == 7
    assert sorted(Achievement.objects.values_list("title", flat=True)) == sorted(
        f"一种新型电池材料{i}" for i in range(1, 8)
    )
    assert (job.created_count, job.processed_rows) == (7, 7)
    assert job.report["resume"]["rows"] == 3 and job.report["resume"]["attempts"] == 1
    assert any("4" in note for note in job.report["notes"])


def test_an_import_that_keeps_killing_its_worker_is_not_resumed_for_ever(
    tmp_path, media, staff_viewer, owner_org, monkeypatch, django_capture_on_commit_callbacks
):
    from jieli.imports import running

    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    monkeypatch.setattr(running, "MAX_RESUMES", 1)
    original = engine.Run._write_batch
    _kill_after_batches(monkeypatch, 1)
    with pytest.raises(_Killed):
        _queue(tmp_path, staff_viewer, owner_org, "all-or-nothing", external_ids=False)
    _worker_died()
    monkeypatch.setattr(engine.Run, "_write_batch", original)
    _kill_after_batches(monkeypatch, 1)  # the resumed run dies after one batch too
    with pytest.raises(_Killed), django_capture_on_commit_callbacks(execute=True):
        jobs.jobs_reap()  # resumed once: rows 3–4 written, then the worker dies again
    _worker_died()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.jobs_reap()
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert Achievement.objects.count() == 4
    assert job.created_count == 4 and "4" in job.error
