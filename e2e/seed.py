"""Prepare the browser suite's scratch instance in one process (Django starts once).

Schema and reference code lists (they come with the migrations), static files, then a small
demo set through the same loader as ``make run``. Run with ``JIELI_VAR_DIR`` pointing at a
scratch directory; the conftest does that.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")


def main(limit: int) -> None:
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
        f"{summary.achievements} achievements, {summary.experts} experts"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
