"""Run the engine and every anchor on each dev retrieval task; print a markdown table.

    .venv/bin/python bench/retrieval.py [--dev ../shared/bench/dev] [--cache-dir DIR]
        [--runs-dir var/runs] [--engines engine,bm25-words,...] [--json OUT.json]

Each run goes through ``jieli.matching.engine.bench_cli retrieve`` (the same code path
as ``jieli bench retrieve``) and is scored by the official ``score.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from common import DEFAULT_CACHE, DEFAULT_DEV, REPO, load_scorer, retrieval_tasks

from jieli.matching.engine.bench_cli import main as bench_main

ENGINES = ("engine", "bm25-words", "bm25-bigrams", "dense-use", "dense-e5", "rrf", "rrf-e5")
METRICS = ("ndcg@10", "mrr@10", "recall@10", "recall@100")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=DEFAULT_DEV)
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--runs-dir", default=str(REPO / "var" / "runs"))
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--tasks", default="")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    scorer = load_scorer(args.dev)
    engines = [e for e in args.engines.split(",") if e]
    tasks = [t for t in args.tasks.split(",") if t] or retrieval_tasks(args.dev)
    os.makedirs(args.runs_dir, exist_ok=True)
    results: dict[str, dict[str, dict]] = {}
    for task in tasks:
        tdir = os.path.join(args.dev, task)
        qrels = scorer.load_qrels(os.path.join(tdir, "qrels.tsv"))
        for eng in engines:
            run = os.path.join(args.runs_dir, f"{task}.{eng}.tsv")
            t0 = time.perf_counter()
            argv = ["retrieve", "--corpus", f"{tdir}/corpus.jsonl", "--queries",
                    f"{tdir}/queries.jsonl", "--output", run, "--engine", eng,
                    "--cache-dir", args.cache_dir, "-k", "100", "--quiet"]  # fmt: skip
            bench_main(argv)
            res = scorer.score(qrels, scorer.load_run(run))
            res["seconds"] = round(time.perf_counter() - t0, 1)
            results.setdefault(task, {})[eng] = res
            print(f"{task:14s} {eng:13s} " + " ".join(f"{m}={res[m]:.4f}" for m in METRICS),
                  flush=True)  # fmt: skip

    print()
    print("| task | system | nDCG@10 | MRR@10 | R@10 | R@100 |")
    print("|---|---|---|---|---|---|")
    for task, per in results.items():
        anchors = {e: r for e, r in per.items() if e != "engine"}
        best_ndcg = max((r["ndcg@10"] for r in anchors.values()), default=0.0)
        best_mrr = max((r["mrr@10"] for r in anchors.values()), default=0.0)
        for eng, r in per.items():
            print(f"| {task} | {eng} | " + " | ".join(f"{r[m]:.4f}" for m in METRICS) + " |")
        if "engine" in per and anchors:
            e = per["engine"]
            print(f"| {task} | *engine − best anchor* | {e['ndcg@10'] - best_ndcg:+.4f} | "
                  f"{e['mrr@10'] - best_mrr:+.4f} | | |")  # fmt: skip
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
