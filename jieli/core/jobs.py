"""Background jobs that never starve and recover: two queues, heartbeats, a reaper, a supervisor.

* Two queues. The **user** queue (huey's Django instance, ``settings.HUEY``) runs what a person
  waits for: imports, exports, e-mail, reminders. The **bulk** queue (``bulk_huey``, configured
  by ``settings.JIELI_BULK_HUEY``) runs sentence vectors and model training. Each has its own
  consumer process (``manage.py jieli_worker --queue user|bulk``), so an import never waits
  behind an hour of encoding; the bulk worker also runs at a lower CPU priority.
* Heartbeats. ``job_run(kind, ref)`` wraps a job's work in a ``JobRun`` row that a thread
  refreshes every ``HEARTBEAT_SECONDS``; ``job_checkpoint`` stores the counts the job has
  committed, inside the job's own transaction.
* The reaper. ``jobs_reap`` marks failed every running job whose worker is gone: its process
  no longer exists (same host), or it has not beaten for ``JIELI_JOB_STALE_SECONDS``. The
  job's app registers what else to correct with ``on_job_dead`` (an import marks its own
  record failed, keeping the honest counts). Workers reap at start and every minute.
* Supervision. ``Supervisor`` keeps worker processes alive (restarts one that exits or is
  killed); ``jieli_serve`` uses it in embedded mode and ``jieli_worker --all`` in production
  (under systemd, which restarts the supervisor itself).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from huey import Huey
from huey.utils import load_class

from jieli.core.models import JobRun

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
QUEUES = ("user", "bulk")
# Priority of a user-queue task a person is waiting for (an import they started), ahead of
# the queue's background work (duplicate reviews of records created elsewhere, reminders):
# a storm of those must not delay the import (huey: higher first; needs a storage with
# priorities, which is why production's user queue is ``PriorityRedisHuey``).
PRIORITY_WAITING = 100
# How long an idle consumer may sleep between polls of a storage that cannot block (SQLite).
# huey's default backs off to 10 s, which alone broke "an import starts within 5 s" for an
# import queued after a quiet minute; the bulk queue keeps the default.
USER_POLL_MAX_SECONDS = 0.5

# -- the bulk queue --------------------------------------------------------------------


def _make_bulk_huey() -> Huey:
    config = dict(getattr(settings, "JIELI_BULK_HUEY", {}))
    config.pop("consumer", None)
    name = config.pop("name", "jieli-bulk")
    cls = load_class(config.pop("huey_class", "huey.SqliteHuey"))
    return cls(name, **config)  # type: ignore[no-any-return]


bulk_huey: Huey = _make_bulk_huey()


def _close_db(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        if not bulk_huey.immediate:
            close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            if not bulk_huey.immediate:
                close_old_connections()

    return inner


def bulk_task(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like ``djhuey.db_task``, on the bulk queue."""

    def decorator(fn: Callable[..., Any]) -> Any:
        wrapped = bulk_huey.task(*args, **kwargs)(_close_db(fn))
        wrapped.call_local = fn
        return wrapped

    return decorator


def bulk_periodic_task(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like ``djhuey.db_periodic_task``, on the bulk queue."""

    def decorator(fn: Callable[..., Any]) -> Any:
        wrapped = bulk_huey.periodic_task(*args, **kwargs)(_close_db(fn))
        wrapped.call_local = fn
        return wrapped

    return decorator


def queue_huey(queue: str) -> Huey:
    from huey.contrib.djhuey import HUEY

    if queue == "user":
        return HUEY
    if queue == "bulk":
        return bulk_huey
    raise ValueError(f"unknown queue {queue!r}; choose one of {QUEUES}")


def consumer_options(queue: str) -> dict[str, Any]:
    """The consumer settings of a queue (``settings.HUEY["consumer"]`` and the bulk one)."""
    source: Any = settings.HUEY if queue == "user" else getattr(settings, "JIELI_BULK_HUEY", {})
    options = dict(source.get("consumer", {})) if isinstance(source, dict) else {}
    if queue == "user":
        options.setdefault("max_delay", USER_POLL_MAX_SECONDS)
    return options


def queue_upgrade(huey: Huey) -> int:
    """Move the tasks a list-based Redis queue still holds into the priority queue; how many.

    ``PriorityRedisHuey`` keeps the queue under the same key as ``RedisHuey``, as a sorted set
    instead of a list: without this, tasks queued before the upgrade would block the consumer
    (Redis refuses the wrong type). The user consumer calls it at start."""
    from huey.storage import RedisPriorityQueue

    storage = huey.storage
    if not isinstance(storage, RedisPriorityQueue):
        return 0
    conn = storage.conn
    if conn.type(storage.queue_key) != b"list":
        return 0
    old = f"{storage.queue_key}.list"
    conn.rename(storage.queue_key, old)  # atomic: what is queued from now on is a sorted set
    moved = 0
    while (data := conn.rpop(old)) is not None:  # oldest first (RedisHuey pushes on the left)
        storage.enqueue(data)
        moved += 1
    return moved


# -- heartbeats --------------------------------------------------------------------------

DeadHandler = Callable[[JobRun], None]
_dead_handlers: dict[str, DeadHandler] = {}


def on_job_dead(kind: str) -> Callable[[DeadHandler], DeadHandler]:
    """Register what to correct when a run of ``kind`` is found dead (one handler per kind)."""

    def register(fn: DeadHandler) -> DeadHandler:
        _dead_handlers[kind] = fn
        return fn

    return register


class _Heartbeat(threading.Thread):
    def __init__(self, run_id: int, interval: float):
        super().__init__(name=f"jieli-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    JobRun.objects.filter(pk=self.run_id, status=JobRun.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except OperationalError:
                    # SQLite busy with the job's own write: the next beat will do.
                    logger.debug("heartbeat of job run %s skipped (database busy)", self.run_id)
        finally:
            connection.close()


@contextmanager
def job_run(
    kind: str, ref: str | int = "", *, queue: str = "", interval: float | None = None
) -> Iterator[JobRun]:
    """Record a job's run with a heartbeat; done on return, failed on an exception."""
    now = timezone.now()
    run = JobRun.objects.create(
        kind=kind,
        ref=str(ref),
        queue=queue,
        host=socket.gethostname()[:255],
        pid=os.getpid(),
        heartbeat_at=now,
    )
    beat = _Heartbeat(run.pk, interval or HEARTBEAT_SECONDS)
    beat.start()
    try:
        yield run
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    else:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )
    finally:
        beat.stopped.set()
        beat.join(timeout=2 * (interval or HEARTBEAT_SECONDS))


def job_checkpoint(run: JobRun | int, counts: dict[str, int]) -> None:
    """Store what the run has committed; call inside the transaction that commits it."""
    run_id = run if isinstance(run, int) else run.pk
    JobRun.objects.filter(pk=run_id).update(counts=counts, heartbeat_at=timezone.now())


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def run_is_dead(run: JobRun, *, now: Any = None, stale_after: float | None = None) -> bool:
    """A run is dead when its process is gone (same host) or its heartbeat is too old.

    On the run's own host a live process is trusted even with an old beat (SQLite can hold a
    beat back while the job writes); ``JIELI_JOB_HUNG_SECONDS`` bounds that trust.
    """
    now = now or timezone.now()
    stale = stale_after if stale_after is not None else settings.JIELI_JOB_STALE_SECONDS
    age = (now - (run.heartbeat_at or run.created_at)).total_seconds()
    if run.host == socket.gethostname()[:255] and run.pid:
        if not _process_alive(run.pid):
            return True
        return age > settings.JIELI_JOB_HUNG_SECONDS
    return age > stale


def jobs_reap(*, stale_after: float | None = None) -> list[JobRun]:
    """Mark failed every running job whose worker died; let the job's app correct its record."""
    from django.utils.translation import gettext as _

    dead = []
    for run in JobRun.objects.filter(status=JobRun.Status.RUNNING):
        if not run_is_dead(run, stale_after=stale_after):
            continue
        updated = JobRun.objects.filter(pk=run.pk, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=_("The worker running this job stopped before it finished."),
        )
        if not updated:  # finished or reaped by someone else meanwhile
            continue
        run.refresh_from_db()
        handler = _dead_handlers.get(run.kind)
        if handler is not None:
            try:
                handler(run)
            except Exception:
                logger.exception("correcting dead job run %s failed", run.pk)
        dead.append(run)
    return dead


def old_runs_delete(*, days: int = 30) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _detail = JobRun.objects.filter(
        created_at__lt=cutoff, status__in=[JobRun.Status.DONE, JobRun.Status.FAILED]
    ).delete()
    return deleted


# -- supervision -------------------------------------------------------------------------


class Supervisor:
    """Keep child processes alive: one that exits (crash, ``kill -9``, OOM) is started again.

    Restarts back off (1 s doubling to 60 s) when a child keeps dying within ``healthy``
    seconds, so a broken configuration does not spin. ``stop`` ends the children with
    SIGTERM (huey finishes its current task), then SIGKILL after ``grace`` seconds.
    """

    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        env: dict[str, str] | None = None,
        poll: float = 1.0,
        healthy: float = 30.0,
        grace: float = 20.0,
    ):
        self.commands = {name: list(cmd) for name, cmd in commands.items()}
        self.env = env
        self.poll = poll
        self.healthy = healthy
        self.grace = grace
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.started_at: dict[str, float] = {}
        self.backoff: dict[str, float] = dict.fromkeys(self.commands, 1.0)
        self.not_before: dict[str, float] = dict.fromkeys(self.commands, 0.0)
        self.restarts: dict[str, int] = dict.fromkeys(self.commands, 0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _spawn(self, name: str) -> None:
        self.children[name] = subprocess.Popen(self.commands[name], env=self.env)  # noqa: S603
        self.started_at[name] = time.monotonic()

    def check(self) -> list[str]:
        """Start what is not running; return the names (re)started."""
        started = []
        now = time.monotonic()
        for name in self.commands:
            child = self.children.get(name)
            if child is not None:
                if child.poll() is None:
                    if now - self.started_at[name] > self.healthy:
                        self.backoff[name] = 1.0
                    continue
                logger.warning("worker %s exited with %s; restarting", name, child.returncode)
                self.restarts[name] += 1
                del self.children[name]
                if now - self.started_at[name] < self.healthy:  # dying young: back off
                    self.not_before[name] = now + self.backoff[name]
                    self.backoff[name] = min(60.0, self.backoff[name] * 2)
            if now < self.not_before[name]:
                continue
            self._spawn(name)
            started.append(name)
        return started

    def start(self) -> None:
        self.check()
        self._thread = threading.Thread(target=self._loop, name="jieli-supervisor", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.poll):
            self.check()

    def run_forever(self) -> None:
        """Supervise in the foreground until SIGTERM/SIGINT."""

        def stop(_signum: int, _frame: Any) -> None:
            self._stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.check()
        self._loop()
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def worker_commands(python: str, manage: str) -> dict[str, list[str]]:
    """The consumer command of each queue."""
    return {q: [python, manage, "jieli_worker", "--queue", q] for q in QUEUES}
