"""Does a user's import start promptly while sentence vectors are being computed? (issue 7.6)

    .venv/bin/python bench/jobs_latency.py [--rows 1000] [--timeout 600] [--idle 60]
        [--backlog 200] [--similar] [--var DIR]

Scratch embedded instance (SQLite, the default): demo data (300 achievements per source, so
there is vector work), the real consumers of both queues (``jieli_worker --queue user`` and
``--queue bulk``, their logs in ``DIR/worker-*.log``), the full vector refresh on the bulk
queue; once the bulk consumer is storing vectors and the user consumer has been idle for
``--idle`` seconds (its polling backs off meanwhile), ``--backlog`` background jobs
(duplicate reviews of existing achievements, as an API batch or a demo load queues them) and
then a 1,000-row valid-rows CSV import are queued on the user queue, the import as the
secretariat.

Prints a timeline (queued, picked up by the user consumer, marked running, each committed
batch, finished), the vector work done meanwhile, the load average, and whether the targets
were met: **started within 5 s, and finished** (every row written, within ``--timeout``).
Exit status 0 when met, 1 when not, 2 when the set-up failed. Bounded: every wait has a limit,
and the consumers are stopped on every exit (they also die with this process).

Rows are distinct achievements by default (no duplicate suspects among them). ``--similar``
imports near-identical titles instead ("一种新型储能材料1", "…2", …): every row is then a suspected
duplicate of many others, and the import also opens one review case per suspected pair.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ctypes
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TARGET = 5.0

_FIELDS = ["C38", "C39", "C34", "C35", "C26", "C30", "C40", "C41"]
_REGIONS = ["山东省", "江苏省", "浙江省", "广东省", "四川省", "湖北省"]


def _rows(n: int, *, similar: bool) -> bytes:
    """Distinct rows: titles and summaries of random common characters, so that the duplicate
    detector finds no pairs among them (``similar``: the same title but for a number)."""
    rnd = random.Random(7)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["外部编号", "成果名称", "成果简介", "所在地区", "技术领域", "成熟度"])
    for i in range(n):
        if similar:
            title, summary = f"一种新型储能材料{i}", f"摘要{i}"
        else:
            title = "".join(rnd.choices(chars, k=rnd.randint(8, 14))) + "技术"
            summary = "".join(rnd.choices(chars, k=rnd.randint(30, 60))) + "。"
        out.writerow([f"J{i}", title, summary, rnd.choice(_REGIONS), rnd.choice(_FIELDS), "中试"])
    return buf.getvalue().encode("utf-8")


def _die_with_parent() -> None:
    """Child side of Popen: get SIGTERM if the benchmark dies, however it dies (Linux)."""
    with contextlib.suppress(OSError):  # not Linux: the ``finally`` in main must do
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _wait(what: str, until, *, limit: float, every: float = 0.2):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = until()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"gave up waiting {limit:.0f} s for {what}")


def _log_has(path: Path, text: str) -> bool:
    return path.exists() and text in path.read_text(errors="replace")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds the import may take")
    ap.add_argument("--idle", type=float, default=60.0, help="user consumer idle before queueing")
    ap.add_argument(
        "--backlog", type=int, default=200, help="background jobs queued just before the import"
    )
    ap.add_argument("--similar", action="store_true", help="near-identical rows (duplicates)")
    ap.add_argument("--var", default=None, help="keep the scratch instance in this directory")
    args = ap.parse_args()
    scratch = args.var is None
    var = Path(args.var or tempfile.mkdtemp(prefix="jieli-bench-jobs-"))
    var.mkdir(parents=True, exist_ok=True)
    os.environ["JIELI_VAR_DIR"] = str(var)
    for name in ("DATABASE_URL", "REDIS_URL", "JIELI_JOBS_IMMEDIATE", "JIELI_MODE"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "jieli.settings"
    sys.path.insert(0, str(ROOT))
    # SIGTERM (timeout(1), a CI runner) ends the run through the ``finally`` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))

    workers: dict[str, subprocess.Popen[bytes]] = {}
    logs: dict[str, Path] = {}
    try:
        return _run(args, var, workers, logs)
    except TimeoutError as exc:
        print(f"SET-UP FAILED: {exc}; worker logs: {', '.join(map(str, logs.values()))}")
        return 2
    finally:
        for w in workers.values():
            if w.poll() is None:
                w.terminate()
        for w in workers.values():
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()
        if scratch:
            shutil.rmtree(var, ignore_errors=True)


def _run(args, var: Path, workers: dict, logs: dict) -> int:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from huey.contrib.djhuey import HUEY

    from jieli.achievements.models import Achievement
    from jieli.core.jobs import worker_commands
    from jieli.core.models import JobRun
    from jieli.demo.loading import demo_load
    from jieli.duplicates.tasks import duplicate_review_queue_job
    from jieli.imports.models import ImportJob
    from jieli.imports.services import import_job_create, viewer_for_command
    from jieli.matching.models import ListingVector
    from jieli.matching.tasks import vectors_refresh_now

    load_before = os.getloadavg()
    call_command("migrate", "--noinput", verbosity=0)
    demo_load(limit=300)
    launched = time.monotonic()
    for queue, cmd in worker_commands(sys.executable, str(ROOT / "manage.py")).items():
        logs[queue] = var / f"worker-{queue}.log"
        with logs[queue].open("wb") as log:
            workers[queue] = subprocess.Popen(
                cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
            )
    ready = {}
    for queue in workers:
        _wait(
            f"the {queue} consumer to start",
            lambda q=queue: _log_has(logs[q], "consumer started") or workers[q].poll() is not None,
            limit=180,
        )
        if workers[queue].poll() is not None:
            raise TimeoutError(f"the {queue} consumer exited ({workers[queue].returncode})")
        ready[queue] = time.monotonic() - launched
    vectors_refresh_now()
    _wait(
        "the bulk consumer to store vectors",
        lambda: (
            ListingVector.objects.exists()
            and JobRun.objects.filter(kind="vectors", status="running").exists()
        ),
        limit=300,
    )
    # What a person meets in practice: the user consumer idle (the demo's duplicate reviews
    # done), so its polling has backed off as far as it goes.
    _wait("the user queue to drain", lambda: HUEY.pending_count() == 0, limit=300)
    time.sleep(args.idle)
    busy_vectors = ListingVector.objects.count()
    ids = list(Achievement.objects.values_list("pk", flat=True)[: args.backlog])
    for i in range(args.backlog):
        duplicate_review_queue_job("achievement", ids[i % len(ids)])

    upload = SimpleUploadedFile("bench.csv", _rows(args.rows, similar=args.similar))
    viewer = viewer_for_command("secretariat")
    queued_wall = time.time()
    queued = time.monotonic()  # the import's clock starts after the backlog is queued
    job = import_job_create(
        viewer=viewer, kind="achievements", upload=upload, mode="valid-rows", owner=1
    )
    enqueued = time.monotonic() - queued
    started = finished = None
    commits: list[tuple[float, int]] = []
    while time.monotonic() - queued < args.timeout:
        job = ImportJob.objects.get(pk=job.pk)
        now = time.monotonic() - queued
        if started is None and job.status != "queued":
            started = now
        if job.created_count + job.updated_count > (commits[-1][1] if commits else 0):
            commits.append((now, job.created_count + job.updated_count))
        if job.status in ("done", "failed"):
            finished = now
            break
        if any(w.poll() is not None for w in workers.values()):
            break
        time.sleep(0.1)
    run = JobRun.objects.filter(kind="import", ref=str(job.pk)).first()
    picked = run.created_at.timestamp() - queued_wall if run else None
    vectors_run = JobRun.objects.filter(kind="vectors").order_by("-id").first()
    load_after = os.getloadavg()

    print(
        f"date {datetime.now(UTC).isoformat(timespec='seconds')}, {os.cpu_count()} CPUs, "
        f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} "
        f"(1-minute; 5-minute {load_after[1]:.1f})"
    )
    print(f"consumers ready after: user {ready['user']:.1f} s, bulk {ready['bulk']:.1f} s")
    print(
        f"rows: {args.rows} {'near-identical' if args.similar else 'distinct'}; "
        f"user queue idle {args.idle:.0f} s, then {args.backlog} background jobs queued "
        f"ahead of the import; {HUEY.pending_count()} of them still queued at its end"
    )
    print("timeline (seconds after the import was queued):")
    print(f"  {enqueued:7.2f}  queued (file stored, task enqueued)")
    print(
        f"  {picked:7.2f}  picked up by the user consumer"
        if picked is not None
        else "        -  never picked up"
    )
    print(f"  {started:7.2f}  marked running" if started is not None else "        -  never ran")
    for at, count in commits:
        print(f"  {at:7.2f}  {count} rows committed")
    print(
        f"  {finished:7.2f}  {job.status}"
        if finished is not None
        else f"        -  still {job.status} after {args.timeout:.0f} s"
    )
    print(
        f"vectors stored when the import was queued: {busy_vectors}; at its end: "
        f"{ListingVector.objects.count()}; vector run "
        f"{vectors_run.status if vectors_run else 'missing'}"
    )
    for queue, w in workers.items():
        if w.poll() is not None:
            print(f"the {queue} consumer died (exit {w.returncode}); see {logs[queue]}")
    written = job.created_count + job.updated_count
    start_ok = started is not None and started <= START_TARGET
    finish_ok = job.status == "done" and written == args.rows
    print(
        f"queued -> started: {started:.1f} s (target <= {START_TARGET:.0f} s): "
        f"{'met' if start_ok else 'NOT met'}"
        if started is not None
        else "queued -> started: never (NOT met)"
    )
    print(
        f"queued -> finished: {finished:.1f} s, {written} of {args.rows} rows written: "
        f"{'met' if finish_ok else 'NOT met'}"
        if finished is not None
        else f"queued -> finished: not within {args.timeout:.0f} s, {written} of "
        f"{args.rows} rows written (NOT met)"
    )
    return 0 if start_ok and finish_ok else 1


if __name__ == "__main__":
    sys.exit(main())
