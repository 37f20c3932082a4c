"""Prepare the browser suite's scratch instance and serve it, in one process (Django, with its
large imports, starts once instead of twice).

Schema and reference code lists (they come with the migrations), static files, a small demo set
through the same loader as ``make run``, then ``jieli_serve --no-worker`` as ``make run`` does.
Run with ``JIELI_VAR_DIR`` pointing at a scratch directory; the conftest does that:
``python e2e/seed.py LIMIT [PORT]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")


def main(limit: int, port: int | None) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from jieli.demo.loading import demo_load

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    summary = demo_load(limit=limit)
    if not summary.loaded:
        raise SystemExit(f"demo data not loaded: {summary.message}")
    print(
        f"seeded: {summary.organisations} organisations, {summary.demands} demands, "
        f"{summary.achievements} achievements, {summary.experts} experts",
        flush=True,
    )
    if port is not None:
        call_command("jieli_serve", host="127.0.0.1", port=port, no_worker=True)


if __name__ == "__main__":
    main(
        limit=int(sys.argv[1]) if len(sys.argv) > 1 else 20,
        port=int(sys.argv[2]) if len(sys.argv) > 2 else None,
    )
