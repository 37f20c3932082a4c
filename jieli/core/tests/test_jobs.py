"""Jobs that never starve and recover: queues, heartbeats, the reaper, the supervisor."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
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


@contextmanager
def _user_queue_on(storage):
    """The user queue (``HUEY``) backed by ``storage`` and not run inline, as in a worker."""
    from huey.contrib.djhuey import HUEY

    saved = (HUEY.storage, HUEY.immediate)
    try:
        HUEY.immediate = False
        HUEY.storage = storage
        yield HUEY
    finally:
        HUEY.storage, HUEY.immediate = saved


def test_an_import_goes_ahead_of_background_jobs_already_in_the_user_queue(settings, tmp_path):
    """A duplicate-review storm (an API batch, a demo load) queued first must not hold an
    import up: the configured user-queue storage serves it next (issue 7.6)."""
    from huey import SqliteHuey
    from huey.utils import load_class

    from jieli.duplicates.tasks import duplicate_review_queue_job
    from jieli.imports.tasks import run_import_job

    assert load_class(settings.HUEY["huey_class"]).storage_class.priority
    storage = SqliteHuey("jieli", filename=str(tmp_path / "jobs.sqlite3")).storage
    with _user_queue_on(storage) as huey:
        assert jobs.queue_upgrade(huey) == 0  # nothing to move on SQLite
        for i in range(30):
            duplicate_review_queue_job("achievement", i)
        run_import_job(12345)
        head = huey.dequeue()
        assert head is not None and head.name == "run_import_job" and head.args == (12345,)
        assert huey.dequeue().name == "duplicate_review_queue_job"


def test_production_user_queue_orders_by_priority():
    """With Redis, plain ``RedisHuey`` refuses priorities (and would serve FIFO)."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from huey.utils import load_class; "
        "print(load_class(settings.HUEY['huey_class']).storage_class.priority)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "jieli.settings", "REDIS_URL": "redis://127.0.0.1:1/0"})
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True"


def test_the_user_consumer_starts_and_polls_at_least_every_second(tmp_path, monkeypatch):
    """``jieli_worker --queue user`` up to the point where it serves: huey backs an idle
    consumer's polling off to 10 s, so an import queued after a quiet minute waited that long
    before anyone looked (SQLite cannot block on an empty queue)."""
    import logging

    from django.core.management import call_command
    from huey import SqliteHuey
    from huey.consumer import Consumer

    started: list[Consumer] = []
    monkeypatch.setattr(Consumer, "run", lambda self: started.append(self))
    huey_logger = logging.getLogger("huey")
    monkeypatch.setattr(huey_logger, "handlers", [])
    monkeypatch.setattr(huey_logger, "propagate", True)
    with _user_queue_on(SqliteHuey("jieli", filename=str(tmp_path / "q.sqlite3")).storage):
        call_command("jieli_worker", queue="user")
    (consumer,) = started
    assert consumer.worker_type == "thread" and len(consumer.worker_threads) >= 2
    assert all(worker.max_delay <= 1.0 for worker, _thread in consumer.worker_threads)


@pytest.fixture
def redis_url(tmp_path):
    import shutil

    import redis

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(200):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_tasks_queued_before_the_priority_queue_are_moved_into_it(redis_url):
    from huey import PriorityRedisHuey, RedisHuey

    from jieli.duplicates.tasks import duplicate_review_queue_job
    from jieli.imports.tasks import run_import_job

    with _user_queue_on(RedisHuey("jieli", url=redis_url).storage):  # before the upgrade
        duplicate_review_queue_job("achievement", 1)
        duplicate_review_queue_job("achievement", 2)
    with _user_queue_on(PriorityRedisHuey("jieli", url=redis_url).storage) as huey:
        assert jobs.queue_upgrade(huey) == 2
        assert jobs.queue_upgrade(huey) == 0  # once
        run_import_job(7)
        order = [huey.dequeue() for _ in range(3)]
        assert [t.args for t in order] == [(7,), ("achievement", 1), ("achievement", 2)]
        assert huey.dequeue() is None
