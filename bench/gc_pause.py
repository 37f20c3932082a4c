"""How long a full garbage collection pauses a warm server process, before and after
``gc.freeze`` (the figure behind ``jieli_serve.freeze_warm_objects``).

Warms the process as ``jieli_serve`` does (indexes, encoders' modules, pages) against the
database of the current settings (the demo after ``make run``), then times ``gc.collect()``.

    .venv/bin/python bench/gc_pause.py
"""

from __future__ import annotations

import gc
import json
import os
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
    import django

    django.setup()
    from jieli.portal.management.commands.jieli_serve import warm_process

    warm_process()
    objects = len(gc.get_objects())
    before = []
    for _ in range(3):
        start = time.perf_counter()
        gc.collect()
        before.append(time.perf_counter() - start)
    gc.freeze()
    start = time.perf_counter()
    gc.collect()
    after = time.perf_counter() - start
    print(
        json.dumps(
            {
                "tracked_objects": objects,
                "full_collection_s": [round(s, 3) for s in before],
                "after_freeze_s": round(after, 6),
                "load_1min": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
