"""Fit the engine's fusion weights on the dev retrieval tasks.

    .venv/bin/python bench/fit_fusion.py [--dev ../shared/bench/dev] [--cache-dir var/cache/vectors]

For each task the full engine gathers its candidates once per query; z-scores do not
depend on the weights, so a grid over weights only re-weights cached matrices. The
objective is the mean nDCG@10 over tasks (equal weight per task, so the larger CSL
tasks do not dominate), and a configuration is admissible only if its MRR@10 on every
task is at least the best single component's. The winner is printed; copy it into
``jieli/matching/engine/fusion.py`` (DEFAULT_WEIGHTS, PRF_WEIGHT, PRF_DEPTH).

``--ltr`` instead fits the learned fusion (``jieli/matching/engine/rerank.py``) and reports
only figures on queries the model did not see: 5-fold cross-validation over queries (every
task's queries split in 5; train on 4/5 of all tasks, score the held-out fifth) and
leave-one-task-out (train on the other tasks). Anchors and the current engine are scored on
the same candidate sets in the same run. See ``ltr_main``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import defaultdict

import numpy as np
from common import DEFAULT_CACHE, DEFAULT_DEV, load_scorer, read_jsonl, retrieval_tasks

from jieli.matching.engine import fusion as fz
from jieli.matching.engine.engine import EngineConfig, SearchEngine

COMPONENTS = ("bm25_words", "bm25_bigrams", "dense_e5", "dense_use", "phrase")


def gather(task_dir: str, cache_dir: str, depth: int) -> tuple[list, list, dict]:
    engine = SearchEngine(
        EngineConfig(components=COMPONENTS, prf_weight=1.0, depth=depth), cache_dir=cache_dir
    )
    engine.add_many((d["id"], d["text"]) for d in read_jsonl(f"{task_dir}/corpus.jsonl"))
    queries = [(q["id"], q["text"]) for q in read_jsonl(f"{task_dir}/queries.jsonl")]
    qv = engine.encode_queries([t for _, t in queries])
    cands = []
    for j, (_, text) in enumerate(queries):
        c = engine.candidates(text, {k: v[j] for k, v in qv.items()})
        # Standardise once: these matrices are all the grid needs.
        z = np.stack([fz.standardise(c.scores[k], c.references[k]) for k in COMPONENTS])
        cands.append((c.doc_ids, z, c.prf_vectors))
    return [q for q, _ in queries], cands, {}


def evaluate(scorer, qrels, qids, cands, weights, prf_w, prf_depth, depth) -> dict:
    w = np.array(weights)[:, None]
    run = {}
    for qid, (ids, z, vecs) in zip(qids, cands, strict=True):
        total = (w * z).sum(axis=0)
        if prf_w:
            head = np.argsort(-total, kind="stable")[:prf_depth]
            sims = vecs @ vecs[head].mean(axis=0)
            ref = np.sort(sims)[::-1][:depth]
            total = total + prf_w * fz.standardise(sims, ref)
        order = np.lexsort((np.arange(len(total)), -total))[:100]
        run[qid] = [ids[i] for i in order]
    return scorer.score(qrels, run)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=DEFAULT_DEV)
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--depth", type=int, default=100)
    args = ap.parse_args()
    scorer = load_scorer(args.dev)
    data = {}
    for task in retrieval_tasks(args.dev):
        t0 = time.time()
        qids, cands, _ = gather(f"{args.dev}/{task}", args.cache_dir, args.depth)
        qrels = scorer.load_qrels(f"{args.dev}/{task}/qrels.tsv")
        data[task] = (qrels, qids, cands)
        print(f"gathered {task} in {time.time() - t0:.0f}s", flush=True)

    def run_all(weights, prf_w=0.0, prf_depth=5):
        return {
            t: evaluate(scorer, q, ids, c, weights, prf_w, prf_depth, args.depth)
            for t, (q, ids, c) in data.items()
        }

    # Floors: each single component alone (the anchors the engine must beat).
    floor: dict[str, float] = defaultdict(float)
    for i, name in enumerate(COMPONENTS[:4]):  # "phrase" only re-ranks, not an anchor
        one = [0.0] * len(COMPONENTS)
        one[i] = 1.0
        res = run_all(one)
        print(name, {t: (r["ndcg@10"], r["mrr@10"]) for t, r in res.items()}, flush=True)
        for t, r in res.items():
            floor[t] = max(floor[t], r["mrr@10"])

    def objective(res):
        ok = all(res[t]["mrr@10"] >= floor[t] - 0.002 for t in res)
        return float(np.mean([r["ndcg@10"] for r in res.values()])), ok

    grid = itertools.product(
        (0.0, 0.5, 1.0), (0.5, 1.0, 1.5), (1.0, 1.5, 2.0), (0.5, 1.0), (0.0, 0.5, 1.0, 1.5)
    )
    scored = []
    for weights in grid:
        res = run_all(weights)
        mean, ok = objective(res)
        scored.append((ok, mean, weights, res))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    for ok, mean, weights, res in scored[:8]:
        print(
            "W",
            weights,
            ok,
            round(mean, 4),
            {t: (r["ndcg@10"], r["mrr@10"]) for t, r in res.items()},
        )
    best_w = scored[0][2]
    best = (scored[0][0], scored[0][1], best_w, 0.0, 5)
    for prf_w, prf_depth in itertools.product((0.5, 1.0, 1.5, 2.0, 3.0), (3, 5)):
        res = run_all(best_w, prf_w, prf_depth)
        mean, ok = objective(res)
        print(
            "P",
            prf_w,
            prf_depth,
            ok,
            round(mean, 4),
            {t: (r["ndcg@10"], r["mrr@10"]) for t, r in res.items()},
            flush=True,
        )
        if (ok, mean) > (best[0], best[1]):
            best = (ok, mean, best_w, prf_w, prf_depth)
    print("BEST", best)


def ltr_main(argv: list[str]) -> None:
    from ltr_cv import run_ltr_cv

    run_ltr_cv(argv)


if __name__ == "__main__":
    import sys

    if "--ltr" in sys.argv:
        ltr_main([a for a in sys.argv[1:] if a != "--ltr"])
    else:
        main()
