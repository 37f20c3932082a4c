"""Import speed: 10,000 and 100,000-row achievement CSVs into a fresh database.

Rows are recombined from real titles and abstracts (the CSL corpus under ../shared). Each size
is imported into a new database (SQLite in a temporary JIELI_VAR_DIR, or a PostgreSQL database
given by ``--database-url``, dropped and created afresh), in a child process, measuring rows/s
and peak RSS (and RSS at each 10 % of the file, to show whether memory stays flat). The CSL
file holds 2,000 title/abstract pairs: a 100,000-row file uses each abstract ~50 times under
random titles (a worst case for the duplicate check: true near-duplicates grow with the table).
``--file stock`` is the realistic counterpart: a member's stock of distinct records. Every row's
abstract is a mosaic of 3–5 sentences drawn from different real abstracts (CSL and ChinaXiv,
≈ 7,600 texts) and its title joins halves of two real titles, so rows share sentences and
words as real listings of one field do, but are not copies; 2 % of the rows are planted
near-duplicates of an earlier row (a sentence dropped, a few characters changed, the title
kept or lightly edited), and the run reports how many of them the check caught (a duplicate
case between the copy and its original).
``BENCH_VERBOSE=1`` prints rows, seconds, RSS and CPU seconds every 10 %; ``BENCH_PROFILE=path``
writes a cProfile of the import itself (wall-clock timer: cProfile's CPU timer costs more than
the code it measures); with ``BENCH_PROFILE_FROM=0.8`` only from 80 % of the file on (the late
part of the run, where the table is large). ``BENCH_TRACEMALLOC=1`` (frames kept) traces
allocations from row 1,000 on and prints, at the end, what is still alive and where it was
allocated (slow: for a look at what the import keeps per row, not for timing).

    .venv/bin/python bench/import_speed.py --sizes 100000 --runs 1 --duplicate-check
    .venv/bin/python bench/import_speed.py --sizes 100000 --runs 1 --duplicate-check \
        --database-url postgres://postgres@127.0.0.1:5432/jieli_h8_bench
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_CSL = Path("data") / "csl" / "csl_benchmark_joined_dev_test.jsonl"
# ../shared next to the checkout (or next to the worktrees' folder).
CORPUS = next(
    (
        p / "shared" / _CSL
        for p in (REPO.parent, REPO.parent.parent)
        if (p / "shared" / _CSL).exists()
    ),
    REPO.parent / "shared" / _CSL,
)
HEADER = [
    "外部编号",
    "成果名称",
    "成果简介",
    "所在地区",
    "技术领域",
    "成熟度",
    "转让价格",
    "合作方式",
    "关键词",
]
REGIONS = ["山东省威海市", "山东省济南市", "370100", "青岛市", "北京市", "江苏省南京市"]
INDUSTRIES = ["C38", "C", "3811", "I65", "C39", "M73"]
MATURITY = ["研发", "小试", "中试", "量产", "产业化"]
MODES = ["转让", "许可、转让", "合作开发", "技术服务", "作价投资"]


def _corpus(limit: int = 20000) -> list[tuple[str, str]]:
    pairs = []
    with open(CORPUS, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("title") and row.get("abstract"):
                pairs.append((row["title"][:190], row["abstract"][:1900]))
            if len(pairs) >= limit:
                break
    return pairs


_CHINAXIV = Path("data") / "chinaxiv" / "chinaxiv_dev.jsonl"
PLANTED_SHARE = 0.02


def _row(rng: random.Random, i: int, title: str, abstract: str) -> list[str]:
    return [
        f"B{i}",
        title,
        abstract,
        rng.choice(REGIONS),
        rng.choice(INDUSTRIES),
        rng.choice(MATURITY),
        rng.choice(["面议", str(rng.randint(5, 500))]),
        rng.choice(MODES),
        "; ".join(rng.sample(title[:12], 3)),
    ]


def _stock_texts() -> list[tuple[str, str]]:
    """Every distinct real title/abstract pair under ../shared (CSL and ChinaXiv)."""
    pairs = dict(_corpus(limit=10**6))
    chinaxiv = CORPUS.parent.parent.parent / _CHINAXIV
    with open(chinaxiv, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("title") and row.get("abstract"):
                pairs.setdefault(row["title"][:190], row["abstract"][:1900])
    return sorted(pairs.items())


def _sentences(text: str) -> list[str]:
    parts = [s.strip() for s in re.split(r"(?<=[。；;！？])", text) if len(s.strip()) >= 12]
    return parts or [text]


def _jitter(rng: random.Random, text: str, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        if len(chars) > 2:
            chars[rng.randrange(len(chars))] = rng.choice("的和及其一种新型方法系统装置")
    return "".join(chars)


def make_stock_csv(path: Path, rows: int, seed: int = 7) -> set[tuple[str, str]]:
    """A realistic stock (see the module's docstring); returns the planted (copy, original)
    external-ID pairs."""
    rng = random.Random(seed)
    texts = _stock_texts()
    sentences = [_sentences(abstract) for _t, abstract in texts]
    titles = [t for t, _a in texts]
    planted: set[tuple[str, str]] = set()
    written: list[tuple[str, str]] = []
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            if written and rng.random() < PLANTED_SHARE:
                j = rng.randrange(len(written))
                title, abstract = written[j]
                parts = _sentences(abstract)
                if len(parts) > 2:
                    parts.pop(rng.randrange(len(parts)))
                abstract = _jitter(rng, "".join(parts), 3)
                title = _jitter(rng, title, rng.choice([0, 1, 2]))
                planted.add((f"B{i}", f"B{j}"))
            else:
                a, b = rng.sample(range(len(titles)), 2)
                ta, tb = titles[a], titles[b]
                title = (ta[: max(4, len(ta) // 2)] + tb[len(tb) // 2 :])[:190]
                picks = rng.sample(range(len(sentences)), rng.randint(3, 5))
                abstract = "".join(rng.choice(sentences[k]) for k in picks)[:1900]
            written.append((title, abstract))
            writer.writerow(_row(rng, i, title, abstract))
    return planted


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pairs = _corpus()
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            title, _abs = rng.choice(pairs)
            _t, abstract = rng.choice(pairs)
            writer.writerow(_row(rng, i, title, abstract))


CHILD = r"""
import json, os, resource, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "jieli.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from jieli.organisations.models import Organisation
from jieli.organisations.services import secretariat_group
from jieli.core.middleware import viewer_for_user
from jieli.imports.engine import Options, run_import
user = get_user_model().objects.create(username="bench")
user.groups.add(secretariat_group())
org = Organisation.objects.create(name="基准机构", org_type="university",
                                  membership_status="member")
path = sys.argv[1]
marks = []
trace = os.environ.get("BENCH_TRACEMALLOC")
if trace:
    import tracemalloc
def progress(done, total):
    if trace and done >= 1000 and not tracemalloc.is_tracing():
        tracemalloc.start(int(trace))
    if profile_out and profile_from and done >= profile_from * total and not started:
        started.append(done)
        profiler.enable()
    if total and (not marks or done >= marks[-1][0] + total // 10):
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        cpu = round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - cpu0, 1)
        marks.append((done, round(time.perf_counter() - start, 1), round(rss), cpu))
        print(json.dumps({"done": done, "seconds": marks[-1][1], "peak_rss_mib": marks[-1][2],
                          "cpu_seconds": cpu}),
              file=sys.stderr, flush=True)
from django.db import connection
def server_cpu():
    # PostgreSQL on this host: the CPU seconds of this connection's server process.
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
server0 = server_cpu()
start = time.perf_counter()
cpu0 = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
profile_out = os.environ.get("BENCH_PROFILE")
profile_from = float(os.environ.get("BENCH_PROFILE_FROM") or 0)
started = []
if profile_out:
    import cProfile
    profiler = cProfile.Profile()
    if not profile_from:
        profiler.enable()
result = run_import(viewer=viewer_for_user(user), path=path, options=Options(
    kind="achievements", mode=sys.argv[3], owner_id=org.pk, source="bench",
    rejected_out=path + ".rejected.csv", check_duplicates=sys.argv[2] == "1"),
    progress=progress)
if profile_out:
    profiler.disable()
    profiler.dump_stats(profile_out)
if trace:
    # What the import still holds (allocated since row 1,000 and alive at its end).
    snapshot = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"tracemalloc_current_mib": round(current / 2**20, 1),
                      "tracemalloc_peak_mib": round(peak / 2**20, 1)}), file=sys.stderr)
    for stat in snapshot.statistics("lineno")[:12]:
        print(stat, file=sys.stderr)
    tracemalloc.stop()
seconds = time.perf_counter() - start
server = server_cpu()
server_seconds = None if server is None or server0 is None else round(server - server0, 1)
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu0
rss_kib = usage.ru_maxrss
from jieli.duplicates.models import DuplicateCase
from jieli.achievements.models import Achievement
planted_found = None
if len(sys.argv) > 4:
    planted = {tuple(p) for p in json.load(open(sys.argv[4]))}
    ext = dict(Achievement.objects.values_list("pk", "external_id"))
    pairs = set()
    for a, b in DuplicateCase.objects.values_list("record_a_id", "record_b_id"):
        pairs.add((ext.get(a), ext.get(b)))
        pairs.add((ext.get(b), ext.get(a)))
    planted_found = sum(1 for p in planted if p in pairs)
print(json.dumps({"planted_found": planted_found,"rows": result.total, "created": result.created,
                  "rejected": result.rejected, "seconds": seconds,
                  "rows_per_s": result.total / seconds, "peak_rss_mib": rss_kib / 1024,
                  "cpu_seconds": cpu, "rows_per_cpu_s": result.total / cpu,
                  "server_cpu_seconds": server_seconds,
                  "reported_duplicates": len(result.duplicates),
                  "cases": DuplicateCase.objects.count(), "marks": marks}))
"""


DUPLICATE_CHECK = False
DATABASE_URL = ""
MODE = "valid-rows"


def _fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_once(csv_path: Path, planted: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "JIELI_VAR_DIR": var}
        env.pop("DATABASE_URL", None)
        if DATABASE_URL:
            _fresh_postgres(DATABASE_URL)
            env["DATABASE_URL"] = DATABASE_URL
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(csv_path), "1" if DUPLICATE_CHECK else "0", MODE]
            + ([str(planted)] if planted else []),
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.PIPE,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit((out.stderr or "")[-3000:])
        return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, Python {platform.python_version()}, SQLite"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of the 10k file (median)")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="write the results to docs/benchmarks.md under “Import”",
    )
    parser.add_argument(
        "--duplicate-check",
        action="store_true",
        help="also ask jieli.duplicates about every new row (slow)",
    )
    parser.add_argument("--database-url", default="", help="a PostgreSQL database (recreated)")
    parser.add_argument("--mode", default="valid-rows", choices=["valid-rows", "all-or-nothing"])
    parser.add_argument(
        "--file",
        default="recombined",
        choices=["recombined", "stock"],
        help="recombined: 2,000 abstracts re-used under random titles (worst case); "
        "stock: distinct mosaics of real sentences with 2 %% planted near-duplicates",
    )
    args = parser.parse_args()
    global DUPLICATE_CHECK, DATABASE_URL, MODE
    DUPLICATE_CHECK = args.duplicate_check
    DATABASE_URL = args.database_url
    MODE = args.mode
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            path = Path(tmp) / f"achievements-{size}.csv"
            planted_path = None
            if args.file == "stock":
                planted = make_stock_csv(path, size)
                planted_path = Path(tmp) / f"planted-{size}.json"
                planted_path.write_text(json.dumps(sorted(planted)))
            else:
                make_csv(path, size)
            runs = [run_once(path, planted_path) for _ in range(args.runs if size <= 10000 else 1)]
            median = statistics.median(r["rows_per_s"] for r in runs)
            best = min(runs, key=lambda r: abs(r["rows_per_s"] - median))
            entry = {
                "size": size,
                "file": args.file,
                "planted": len(json.loads(planted_path.read_text())) if planted_path else None,
                "runs": len(runs),
                "file_mib": path.stat().st_size / 2**20,
                **best,
                "all_rows_per_s": [round(r["rows_per_s"]) for r in runs],
            }
            results.append(entry)
            print(json.dumps(entry), flush=True)
    if args.write_docs:
        write_docs(results)
    return 0


def write_docs(results: list[dict]) -> None:
    lines = [
        "## Import",
        "",
        "Achievement CSVs recombined from real CSL titles and abstracts, imported in "
        "`valid-rows` mode (batches of 500 rows per transaction, every row through "
        "`achievement_create` with validation, region/industry resolution and history) into a "
        "fresh SQLite database. Peak RSS is the whole importing process (Django included). "
        "The near-duplicate check (`jieli.duplicates`) is "
        + ("on" if DUPLICATE_CHECK else "off (`--skip-duplicate-check`)")
        + ".",
        "",
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}.",
        "",
        "| rows | file | runs | time | rows/s (median) | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['file_mib']:.1f} MiB | {r['runs']} | "
            f"{r['seconds']:.1f} s | {r['rows_per_s']:.0f} | "
            f"{r['peak_rss_mib']:.0f} MiB |"
        )
    lines += ["", "Reproduce: `.venv/bin/python bench/import_speed.py --write-docs`", ""]
    section = "\n".join(lines)
    docs = REPO / "docs" / "benchmarks.md"
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    start = text.find("\n## Import\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + (text[end:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    docs.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
