"""English sanity check (not a dev task, never used for fitting).

    .venv/bin/python bench/english_sanity.py [--stories 600] [--queries 250] [--seed 0]
        [--engines engine,bm25-words,bm25-bigrams,dense-e5,dense-use,rrf]

Builds, at run time, a known-item task from ``../shared/data/nasa/nasa_spinoff.json``:
the spin-off stories (HTML stripped, duplicate texts removed) are the corpus, a random
``--stories`` of them are kept, and the titles of ``--queries`` of those are the
queries (relevant: the title's own story). Runs every system through the same
``bench_cli retrieve`` path as ``bench/retrieval.py`` and scores with ``score.py``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re

from common import DEFAULT_CACHE, DEFAULT_DEV, REPO, load_scorer

from jieli.matching.engine.bench_cli import main as bench_main

TAG = re.compile(r"<[^>]+>")


def build(src: str, out_dir: str, n_stories: int, n_queries: int, seed: int) -> None:
    with open(src, encoding="utf-8") as fh:
        rows = json.load(fh)["results"]
    seen: set[str] = set()
    stories = []
    for r in rows:
        title = html.unescape(TAG.sub("", str(r[2]))).strip()
        text = html.unescape(TAG.sub("", str(r[3]))).strip()
        if not title or not text or text in seen:
            continue
        seen.add(text)
        stories.append((f"nasa-{len(stories)}", title, text))
    rng = random.Random(seed)
    if n_stories:
        stories = rng.sample(stories, min(n_stories, len(stories)))
    picked = rng.sample(stories, min(n_queries, len(stories)))
    os.makedirs(out_dir, exist_ok=True)
    with open(f"{out_dir}/corpus.jsonl", "w", encoding="utf-8") as fh:
        for sid, _, text in stories:
            fh.write(json.dumps({"id": sid, "text": text}) + "\n")
    with (
        open(f"{out_dir}/queries.jsonl", "w", encoding="utf-8") as fh,
        open(f"{out_dir}/qrels.tsv", "w", encoding="utf-8") as qr,
    ):
        for i, (sid, title, _) in enumerate(picked):
            fh.write(json.dumps({"id": f"q{i}", "text": title, "lang": "en"}) + "\n")
            qr.write(f"q{i}\t0\t{sid}\t1\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=str((REPO / ".." / "shared" / "data" / "nasa" /
                                          "nasa_spinoff.json").resolve()))  # fmt: skip
    ap.add_argument("--stories", type=int, default=600)
    ap.add_argument("--queries", type=int, default=250)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--engines", default="engine,bm25-words,bm25-bigrams,dense-e5,dense-use,rrf")
    args = ap.parse_args()
    out = str(REPO / "var" / "bench" / f"nasa-en-{args.stories}-{args.seed}")
    build(args.src, out, args.stories, args.queries, args.seed)
    scorer = load_scorer(DEFAULT_DEV)
    qrels = scorer.load_qrels(f"{out}/qrels.tsv")
    for eng in [e for e in args.engines.split(",") if e]:
        run = f"{out}/{eng}.tsv"
        bench_main(["retrieve", "--corpus", f"{out}/corpus.jsonl", "--queries",
                    f"{out}/queries.jsonl", "--output", run, "--engine", eng,
                    "--cache-dir", args.cache_dir, "-k", "100", "--quiet"])  # fmt: skip
        res = scorer.score(qrels, scorer.load_run(run))
        print(f"nasa-en {eng:13s} nDCG@10={res['ndcg@10']:.4f} MRR@10={res['mrr@10']:.4f} "
              f"R@10={res['recall@10']:.4f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
