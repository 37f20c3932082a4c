"""The ``jieli`` command: ``jieli import …``, ``jieli index rebuild``, ``jieli bench …``.

Platform commands run as Django management commands; ``jieli bench`` runs the matching engine on
corpus files and needs no database.
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: jieli COMMAND [ARGS]

commands:
  import {organisations|achievements|demands|experts} FILE [--owner ORG] [--dry-run]
         [--mode all-or-nothing|valid-rows]
  export {organisations|achievements|demands|experts} FILE
  index rebuild
  bench retrieve|classify ...
  bench pages [--listings N] [--requests R]   server-side page latency (bench/pages.py)
  bench schedule [--participants N] [--requests R] [--seed S]   fair meeting scheduler
  demo load
  report evaluation (--demo | --report ID) --output FILE.pdf [--lang zh-hans|en]
  manage ARGS...          any Django management command
"""


def _bench_pages(argv: list[str]) -> int:
    """``bench/pages.py`` of the source checkout (it builds its own scratch database)."""
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "bench" / "pages.py"
    if not script.exists():
        print("jieli bench pages needs the source checkout (bench/pages.py)", file=sys.stderr)
        return 2
    module = runpy.run_path(str(script), run_name="jieli_bench_pages")
    return int(module["main"](argv))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "bench" and rest[:1] == ["pages"]:
        return _bench_pages(rest[1:])
    if command == "bench" and rest[:1] == ["schedule"]:
        from jieli.events.bench import main as schedule_main

        return schedule_main(rest[1:])
    if command == "bench":
        from jieli.matching.engine.bench_cli import main as bench_main

        return bench_main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
    from django.core.management import execute_from_command_line

    mapping = {
        "import": ["jieli_import"],
        "export": ["jieli_export"],
        "index": ["jieli_index"],
        "demo": ["jieli_demo"],
        "report": ["jieli_report"],
        "manage": [],
    }
    if command not in mapping:
        print(f"jieli: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    execute_from_command_line(["jieli", *mapping[command], *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
