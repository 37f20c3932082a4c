"""Bytes a record in the process duplicate index (tracemalloc), without a database.

Builds the achievement kind's process index (LSH, id maps, sketches, ``updated_at`` versions:
what an import's ``index_add_keys`` keeps) from the stock file of ``import_speed.py`` and
reports the live bytes tracemalloc sees after N records, and the peak during the build.

    .venv/bin/python bench/index_memory.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    import django

    django.setup()
    from bench.import_speed import make_stock_csv
    from jieli.duplicates import detect
    from jieli.duplicates import index as index_module
    from jieli.duplicates.kinds import kind_spec

    spec = kind_spec("achievement")
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stock.csv"
        make_stock_csv(path, max(sizes))
        with open(path, encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))[1:]
    # Fingerprints are computed outside the measured index (an import drops them per batch).
    for size in sizes:
        index_module.index_reset()
        state = index_module._states[spec.kind] = index_module._State(
            detect.DuplicateIndex(spec.kind, keep_fingerprints=False)
        )
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        now = datetime(2026, 12, 5, tzinfo=UTC)
        for pk, row in enumerate(rows[:size], start=1):
            fp = detect.fingerprint(spec.kind, {"title": row[1], "summary": row[2]})
            keys = state.index.keys_of(fp)
            record = SimpleNamespace(pk=pk, updated_at=now + timedelta(microseconds=pk))
            index_module.index_add_keys(spec, record, fp, keys)
            del fp, keys
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            json.dumps(
                {
                    "records": size,
                    "live_bytes_per_record": round((current - base) / size),
                    "peak_bytes_per_record": round((peak - base) / size),
                    "live_mib": round((current - base) / 2**20, 1),
                    "peak_mib": round((peak - base) / 2**20, 1),
                    "lsh_array_bytes": state.index.memory_bytes(),
                    "sketch_bytes": state.sketches.memory_bytes(),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
