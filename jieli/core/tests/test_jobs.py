"""Jobs that never starve and recover: queues, heartbeats, the reaper, the supervisor."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jieli.core import jobs
from jieli.core.models import JobRun

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_user_jobs_and_bulk_jobs_live_on_separate_queues():
    from huey.contrib.djhuey import HUEY

    from jieli.imports.tasks import run_import_job
    from jieli.matching.tasks import classifiers_train, vectors_refresh, vectors_refresh_now

    assert run_import_job.huey is HUEY
    for task in (vectors_refresh, vectors_refresh_now, classifiers_train):
        assert task.huey is jobs.bulk_huey
    assert jobs.bulk_huey is not HUEY and jobs.bulk_huey.name != HUEY.name
    # Separate storage: what is pending on the bulk queue is not in the user queue's way.
    assert jobs.queue_huey("user") is HUEY and jobs.queue_huey("bulk") is jobs.bulk_huey
    assert jobs.consumer_options("user")["workers"] >= 2


def test_an_import_queued_behind_vector_work_is_first_in_its_queue(settings, tmp_path):
    """With both consumers stopped, queue vector work and then an import: the import is the
    head of the user queue, untouched by the bulk backlog."""
    from huey import MemoryHuey
    from huey.contrib.djhuey import HUEY

    from jieli.imports.tasks import run_import_job
    from jieli.matching.tasks import vectors_refresh_now

    user, bulk = HUEY, jobs.bulk_huey
    saved = (user.storage, user.immediate, bulk.storage, bulk.immediate)
    try:
        for huey in (user, bulk):
            huey.immediate = False
            huey.storage = MemoryHuey(huey.name).storage
        for _ in range(50):
            vectors_refresh_now()
        run_import_job(12345)
        assert bulk.pending_count() == 50
        assert user.pending_count() == 1
        head = user.dequeue()
        assert head is not None and head.name == "run_import_job" and head.args == (12345,)
    finally:
        user.storage, user.immediate, bulk.storage, bulk.immediate = saved


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection
def test_job_run_records_heartbeats_and_outcome():
    with jobs.job_run("test", 7, interval=0.05) as run:
        first = JobRun.objects.get(pk=run.pk).heartbeat_at
        time.sleep(0.3)
        assert JobRun.objects.get(pk=run.pk).heartbeat_at > first
        assert JobRun.objects.get(pk=run.pk).status == JobRun.Status.RUNNING
    run.refresh_from_db()
    assert (run.status, run.pid, run.ref) == (JobRun.Status.DONE, os.getpid(), "7")
    with pytest.raises(ValueError), jobs.job_run("test", 8):
        raise ValueError("boom")
    assert JobRun.objects.get(ref="8").status == JobRun.Status.FAILED


def test_a_killed_workers_job_is_detected_and_marked_failed():
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        run = JobRun.objects.create(
            kind="test", ref="1", host=socket.gethostname(), pid=worker.pid,
            heartbeat_at=timezone.now(),
        )  # fmt: skip
        assert jobs.jobs_reap() == []  # alive: left alone
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        reaped = jobs.jobs_reap()
        assert [r.pk for r in reaped] == [run.pk]
        run.refresh_from_db()
        assert run.status == JobRun.Status.FAILED and run.finished_at and run.error
        assert jobs.jobs_reap() == []  # once
    finally:
        if worker.poll() is None:
            worker.kill()


def test_a_run_on_another_host_is_dead_only_when_its_heartbeat_is_stale(settings):
    settings.JIELI_JOB_STALE_SECONDS = 60
    fresh = JobRun.objects.create(kind="t", host="elsewhere", pid=1, heartbeat_at=timezone.now())
    stale = JobRun.objects.create(
        kind="t", host="elsewhere", pid=1, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    assert [r.pk for r in jobs.jobs_reap()] == [stale.pk]
    fresh.refresh_from_db()
    assert fresh.status == JobRun.Status.RUNNING


def test_supervisor_restarts_a_killed_worker():
    sup = jobs.Supervisor(
        {"w": [sys.executable, "-c", "import time; time.sleep(60)"]}, poll=0.05, grace=2
    )
    sup.start()
    try:
        first = sup.children["w"]
        os.kill(first.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            child = sup.children.get("w")
            if child is not None and child.pid != first.pid and child.poll() is None:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the killed worker was not restarted")
        assert sup.restarts["w"] == 1
    finally:
        sup.stop()
    assert all(c.poll() is not None for c in sup.children.values())


def test_dead_pid_helper_is_really_dead():
    assert not jobs._process_alive(_dead_pid())
