"""Cross-validated learned fusion (``bench/fit_fusion.py --ltr``).

    .venv/bin/python bench/fit_fusion.py --ltr [--dev DIR] [--cache-dir DIR] [--tasks a,b]
        [--components bm25_words,...] [--folds 5] [--c 1.0] [--json OUT]

1. gather: for every query of every task, the engine's candidate set (union of each
   component's top 100), the raw component scores, the learned-fusion features
   (``rerank.features``) and the current engine's fused score; cached in ``var/lab``.
2. score, on exactly those candidate sets: every anchor (each component alone, plain RRF of
   BM25+USE and of BM25+e5), the current engine (weights fitted on all dev queries: an
   in-sample figure), and the learned fusion on held-out queries only.
3. print the table and the weights fitted on all queries (the constants for
   ``rerank.LTR_WEIGHTS``).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import time

import numpy as np
from common import DEFAULT_CACHE, DEFAULT_DEV, REPO, load_scorer, read_jsonl, retrieval_tasks

from jieli.matching.engine import fusion as fz
from jieli.matching.engine import rerank
from jieli.matching.engine.engine import EngineConfig, SearchEngine

LAB = REPO / "var" / "lab"
ANCHORS = {
    "bm25-words": ("bm25_words",),
    "bm25-bigrams": ("bm25_bigrams",),
    "dense-e5": ("dense_e5",),
    "dense-use": ("dense_use",),
    "rrf": ("bm25_words", "dense_use"),
    "rrf-e5": ("bm25_words", "dense_e5"),
}


def gather(task_dir: str, task: str, cache_dir: str, components: tuple[str, ...]) -> dict:
    path = LAB / f"ltr-{task}-{'+'.join(components)}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    engine = SearchEngine(EngineConfig(components=components), cache_dir=cache_dir)
    engine.add_many((d["id"], d["text"]) for d in read_jsonl(f"{task_dir}/corpus.jsonl"))
    queries = [(q["id"], q["text"]) for q in read_jsonl(f"{task_dir}/queries.jsonl")]
    qv = engine.encode_queries([t for _, t in queries])
    rows = []
    for j, (_, text) in enumerate(queries):
        cands = engine.candidates(text, {k: v[j] for k, v in qv.items()})
        feats = rerank.features(
            cands.scores, cands.references, cands.query_chars, cands.prf_vectors
        ).astype(np.float32)
        raw = {c: v.astype(np.float32) for c, v in cands.scores.items()}
        rows.append((cands.doc_ids, feats, raw, engine.fuse(cands).astype(np.float32)))
    data = {"qids": [q for q, _ in queries], "rows": rows, "components": components}
    os.makedirs(LAB, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(data, fh)
    return data


def _ranked(ids: list[str], score: np.ndarray, k: int = 100) -> list[str]:
    order = np.lexsort((np.arange(len(score)), -score))[:k]
    return [ids[i] for i in order]


def anchor_run(data: dict, comps: tuple[str, ...]) -> dict[str, list[str]]:
    run = {}
    for qid, (ids, _, raw, _) in zip(data["qids"], data["rows"], strict=True):
        if len(comps) == 1:
            run[qid] = _ranked(ids, raw[comps[0]].astype(np.float64))
            continue
        lists = {}
        for c in comps:  # each component's own top 100, as the engine's RRF sees it
            s = raw[c].astype(np.float64)
            order = np.lexsort((np.arange(len(s)), -s))[:100]
            if c.startswith("bm25"):
                order = order[s[order] > 0]
            lists[c] = [ids[i] for i in order]
        fused = fz.rrf(lists, dict.fromkeys(comps, 1.0))
        pos = {d: i for i, d in enumerate(ids)}  # the engine breaks ties by candidate order
        run[qid] = sorted(fused, key=lambda d: (-fused[d], pos[d]))[:100]
    return run


def model_run(data: dict, weights: dict[str, float], qsel: list[int]) -> dict[str, list[str]]:
    out = {}
    for i in qsel:
        ids, feats, _, _ = data["rows"][i]
        out[data["qids"][i]] = _ranked(ids, rerank.ltr_scores(feats.astype(np.float64), weights))
    return out


def training_set(data: dict, qrels: dict, qsel: list[int], task_weight: float) -> list:
    out = []
    for i in qsel:
        ids, feats, _, _ = data["rows"][i]
        judged = qrels.get(data["qids"][i], {})
        grades = np.array([judged.get(d, 0) for d in ids])
        if grades.any():
            out.append((feats.astype(np.float64), grades, task_weight))
    return out


def fit(train: list, c: float) -> dict[str, float]:
    return rerank.fit_pairwise(
        [(f, g) for f, g, _ in train], query_weights=[w for *_, w in train], c=c
    )


def run_ltr_cv(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="fit_fusion.py --ltr")
    ap.add_argument("--dev", default=DEFAULT_DEV)
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--tasks", default="")
    ap.add_argument("--components", default=",".join(rerank.COMPONENTS))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--json", default="")
    args = ap.parse_args(argv)
    scorer = load_scorer(args.dev)
    comps = tuple(c for c in args.components.split(",") if c)
    tasks = [t for t in args.tasks.split(",") if t] or retrieval_tasks(args.dev)
    data, qrels = {}, {}
    for task in tasks:
        t0 = time.time()
        data[task] = gather(f"{args.dev}/{task}", task, args.cache_dir, comps)
        qrels[task] = scorer.load_qrels(f"{args.dev}/{task}/qrels.tsv")
        print(f"gathered {task} in {time.time() - t0:.0f}s", flush=True)

    rng = np.random.default_rng(0)
    folds = {t: rng.permutation(len(d["qids"])) % args.folds for t, d in data.items()}
    # Each task counts the same in training, whatever its number of queries.
    tw = {t: 1000.0 / len(d["qids"]) for t, d in data.items()}
    heldout = {t: {} for t in tasks}
    for f in range(args.folds):
        train = []
        for t in tasks:
            qsel = [i for i in range(len(data[t]["qids"])) if folds[t][i] != f]
            train += training_set(data[t], qrels[t], qsel, tw[t])
        weights = fit(train, args.c)
        for t in tasks:
            qsel = [i for i in range(len(data[t]["qids"])) if folds[t][i] == f]
            heldout[t].update(model_run(data[t], weights, qsel))
    loto = {}
    if len(tasks) > 1:
        for t in tasks:
            train = []
            for o in tasks:
                if o != t:
                    train += training_set(data[o], qrels[o], range(len(data[o]["qids"])), tw[o])
            loto[t] = model_run(data[t], fit(train, args.c), list(range(len(data[t]["qids"]))))
    everything = []
    for t in tasks:
        everything += training_set(data[t], qrels[t], range(len(data[t]["qids"])), tw[t])
    final = fit(everything, args.c)

    results: dict[str, dict[str, dict]] = {}
    for t in tasks:
        d = data[t]
        systems = {name: anchor_run(d, cs) for name, cs in ANCHORS.items() if set(cs) <= set(comps)}
        systems["engine (current, in-sample)"] = {
            q: _ranked(r[0], r[3].astype(np.float64))
            for q, r in zip(d["qids"], d["rows"], strict=True)
        }
        systems["ltr (all dev, in-sample)"] = model_run(d, final, list(range(len(d["qids"]))))
        systems[f"ltr ({args.folds}-fold held-out)"] = heldout[t]
        if t in loto:
            systems["ltr (task held out)"] = loto[t]
        results[t] = {n: scorer.score(qrels[t], r) for n, r in systems.items()}

    print("\n| task | system | nDCG@10 | MRR@10 | R@10 | R@100 |\n|---|---|---|---|---|---|")
    for t, per in results.items():
        best = max(r["ndcg@10"] for n, r in per.items() if n in ANCHORS)
        for n, r in per.items():
            margin = "" if n in ANCHORS else f" ({r['ndcg@10'] - best:+.4f})"
            print(
                f"| {t} | {n} | {r['ndcg@10']:.4f}{margin} | {r['mrr@10']:.4f} | "
                f"{r['recall@10']:.4f} | {r['recall@100']:.4f} |"
            )
    print("\nweights fitted on all dev queries (rerank.LTR_WEIGHTS):")
    print(json.dumps(final, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"results": results, "weights": final, "c": args.c}, fh, indent=1)
