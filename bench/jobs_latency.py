"""Does a user's import start promptly while sentence vectors are being computed? (issue 7.6)

    .venv/bin/python bench/jobs_latency.py [--rows 1000] [--var DIR]

Scratch embedded instance: demo data (300 achievements per source, so there is vector work),
real consumers for both queues (``jieli_worker --queue user`` and ``--queue bulk``), the bulk
queue given the full vector refresh, then a 1,000-row valid-rows CSV import queued as the
secretariat. Prints seconds from queueing to the import's start and to its end, and how much
vector work was still pending when it finished. Target: starts within 5 s and finishes.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--var", default=None)
    args = ap.parse_args()
    var = Path(args.var or tempfile.mkdtemp(prefix="jieli-bench-jobs-"))
    os.environ["JIELI_VAR_DIR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from jieli.core.jobs import worker_commands
    from jieli.demo.loading import demo_load
    from jieli.imports.models import ImportJob
    from jieli.imports.services import import_job_create, viewer_for_command
    from jieli.matching.models import ListingVector
    from jieli.matching.tasks import vectors_refresh_now

    call_command("migrate", "--noinput", verbosity=0)
    demo_load(limit=300)
    env = dict(os.environ)
    workers = [
        subprocess.Popen(cmd, env=env, cwd=ROOT)
        for cmd in worker_commands(sys.executable, str(ROOT / "manage.py")).values()
    ]
    try:
        vectors_refresh_now()
        time.sleep(10)  # let the bulk consumer get busy encoding
        busy_vectors = ListingVector.objects.count()
        buf = io.StringIO()
        out = csv.writer(buf)
        out.writerow(["外部编号", "成果名称", "成果简介", "所在地区", "技术领域", "成熟度"])
        for i in range(args.rows):
            out.writerow([f"J{i}", f"一种新型储能材料{i}", f"摘要{i}", "山东省", "C38", "中试"])
        upload = SimpleUploadedFile("bench.csv", buf.getvalue().encode("utf-8"))
        viewer = viewer_for_command("secretariat")
        queued = time.monotonic()
        job = import_job_create(
            viewer=viewer, kind="achievements", upload=upload, mode="valid-rows", owner=1
        )
        started = finished = None
        while time.monotonic() - queued < 600:
            job = ImportJob.objects.get(pk=job.pk)
            if started is None and job.status != "queued":
                started = time.monotonic() - queued
            if job.status in ("done", "failed"):
                finished = time.monotonic() - queued
                break
            time.sleep(0.2)
        print(
            f"vectors stored when the import was queued: {busy_vectors}; "
            f"at its end: {ListingVector.objects.count()} (bulk queue still busy)"
        )
        print(f"import of {args.rows} rows: status {job.status}, created {job.created_count}")
        print(f"queued -> started: {started:.1f} s (target <= 5 s)" if started else "never started")
        print(f"queued -> finished: {finished:.1f} s" if finished else "did not finish in 600 s")
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
