"""Fit the calibrated relevance probability and the relevance floor on the dev tasks.

    .venv/bin/python bench/calibrate.py [--dev ../shared/bench/dev] [--cache-dir var/cache/vectors]
        [--max-queries 400] [--depth 100] [--folds 5] [--out jieli/matching/engine/calibration.json]

Runs the platform's engine configuration (``jieli.matching.index.engine_config``: the current
fusion, weights and the encoders in ``JIELI_DENSE_ENCODERS``) on a fixed sample of queries of
every dev retrieval task, once with every component and once lexical only (what the platform
serves while sentence vectors are still being computed). For each of these two profiles it

1. fits a logistic model on the features of ``calibration.features`` with the queries split
   into folds (whole queries held out, every task weighted equally),
2. reports on the HELD-OUT predictions: reliability table, expected calibration error (ECE),
   Brier score, and precision / recall of the results shown above each candidate floor,
3. chooses the floor: the candidate with the best held-out F2 of "shown" against "relevant"
   (recall counts twice as much as precision: a relevant listing hidden from a technology-
   transfer officer costs more than one extra result to skim), tasks weighted equally, and
   refits on all queries,

then writes both profiles to ``calibration.json``. Re-run it after any change to fusion, the
components or the text pipeline: the probabilities are only as good as the fit to the current
engine. A result is "relevant" when the dev judgements grade it >= 1 (CSL: its own abstract or
one of the same discipline; Zhibei: its own description).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import pickle
import random
import sys
import time
from collections import defaultdict

import numpy as np
from common import DEFAULT_CACHE, DEFAULT_DEV, REPO, load_scorer, read_jsonl, retrieval_tasks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
import django

django.setup()

from sklearn.linear_model import LogisticRegression  # noqa: E402

from jieli.matching.engine.calibration import (  # noqa: E402
    DEFAULT_PATH,
    LONG_QUERY,
    MAX_N,
    Calibrator,
    Profile,
    active_components,
    features,
)
from jieli.matching.engine.engine import SearchEngine  # noqa: E402
from jieli.matching.index import engine_config  # noqa: E402

FEATURES = ("fused", "gap", "log_rank", "coverage", "phrase", "agreement", "log_qlen", "log_n")
SMALL_SIZES = (1, 2, 3, 5, 10, 20, 50)
DOC_QUERY_TASKS = ("csl-title",)  # csl-keywords has the same corpus and judgements
FLOORS = (0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
BINS = 10


@dataclasses.dataclass
class Rows:
    task: list[str] = dataclasses.field(default_factory=list)
    query: list[int] = dataclasses.field(default_factory=list)  # global query number
    rank: list[int] = dataclasses.field(default_factory=list)
    label: list[int] = dataclasses.field(default_factory=list)
    columns: dict[str, list[float]] = dataclasses.field(default_factory=lambda: defaultdict(list))


def lexical_only(config):
    """What ``KindIndex._ready_config`` serves while vectors are missing."""
    weights = {c: (0.0 if c.startswith("dense_") else w) for c, w in config.weights.items()}
    return dataclasses.replace(config, weights=weights, prf_weight=0.0)


def gather(args, scorer) -> dict[str, tuple[tuple[str, ...], Rows]]:
    base = engine_config()
    configs = {"all": base, "lexical": lexical_only(base)}
    rows = {name: Rows() for name in configs}
    qnum = 0
    for task in args.tasks or retrieval_tasks(args.dev):
        t0 = time.time()
        tdir = os.path.join(args.dev, task)
        qrels = scorer.load_qrels(os.path.join(tdir, "qrels.tsv"))
        queries = [q for q in read_jsonl(f"{tdir}/queries.jsonl") if q["id"] in qrels]
        random.Random(f"calibrate-{task}").shuffle(queries)
        queries = queries[: args.max_queries]
        corpus = [(d["id"], d["text"]) for d in read_jsonl(f"{tdir}/corpus.jsonl")]
        engine = SearchEngine(base, cache_dir=args.cache_dir)
        engine.add_many(corpus)
        rng = random.Random(f"small-{task}")
        for q in queries:
            words = len(set(engine.tokeniser.words(q["text"])))
            judged = qrels[q["id"]]
            small = small_index(engine, corpus, judged, rng)
            runs = [
                (task, engine, q["text"], words, None),
                (f"{task}/small", small, q["text"], words, None),
            ]
            own = [d for d, g in judged.items() if g == 2][:1]
            if task in DOC_QUERY_TASKS and own:
                # The listing itself as the query (matches, "similar"): its abstract against
                # the others; relevant = the same discipline (grade 1).
                text = dict(corpus)[own[0]]
                doc_words = len(set(engine.tokeniser.words(text)))
                runs += [
                    (f"{task}/doc", engine, text, doc_words, own[0]),
                    (f"{task}/doc/small", small_index(engine, corpus, judged, rng, 1), text,
                     doc_words, own[0]),
                ]  # fmt: skip
            for (variant, eng, text, n_words, removed), (name, config) in itertools.product(
                runs, configs.items()
            ):
                if removed is not None and removed in eng_ids(eng):
                    eng.remove(removed)
                results = eng.search(text, k=args.depth, config=config)
                cols = features(
                    results,
                    query_words=n_words,
                    active=active_components(config),
                    weights=config.weights,
                )
                out = rows[name]
                for i, r in enumerate(results):
                    out.task.append(variant)
                    out.query.append(qnum)
                    out.rank.append(i)
                    out.label.append(int(judged.get(r.doc_id, 0) >= 1))
                    for key, values in cols.items():
                        out.columns[key].append(float(values[i]))
            if own and own[0] not in eng_ids(engine):
                engine.add(own[0], dict(corpus)[own[0]])
            qnum += 1
        print(f"# {task}: {len(queries)} queries in {time.time() - t0:.0f}s", flush=True)
    return {name: (active_components(configs[name]), rows[name]) for name in configs}


def eng_ids(engine: SearchEngine) -> set[str]:
    return set(next(iter(engine.lexical.values())).doc_ids)


def small_index(engine, corpus, judged, rng, grade: int | None = None) -> SearchEngine:
    """The same engine over a handful of documents, as a young platform has.

    Per-query statistics (z-scores, gaps) mean little over a few candidates, and "the best of
    nothing" must not look relevant: half of these indexes hold no relevant document at all.
    """
    size = rng.choice(SMALL_SIZES)
    grade = max(judged.values()) if grade is None else grade
    relevant = [d for d, g in judged.items() if g == grade]
    rng.shuffle(relevant)
    docs = rng.sample(corpus, size)
    docs = [d for d in docs if d[0] not in judged]
    if rng.random() < 0.5:
        wanted = set(relevant[:1])
        docs = docs[: size - 1] + [d for d in corpus if d[0] in wanted]
    small = SearchEngine(engine.config, encoders=engine._encoders)
    small.add_many(docs)
    return small


def task_weights(tasks: np.ndarray) -> np.ndarray:
    """Every dev task counts the same, however many rows it has; each variant (small index,
    document as query) counts half as much as a task."""
    w = np.ones(len(tasks))
    names = np.unique(tasks)
    share = {t: (1.0 if "/" not in t else 0.5) for t in names}
    for t in names:
        mask = tasks == t
        w[mask] = len(tasks) * share[t] / (sum(share.values()) * mask.sum())
    return w


def fit_profile(components, names, x, y, w, floor, bucket=(0, None, 0, None)) -> Profile:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit((x - mean) / scale, y, sample_weight=w)
    return Profile(
        components=tuple(components),
        names=tuple(names),
        mean=mean,
        scale=scale,
        coef=model.coef_[0].astype(np.float64),
        intercept=float(model.intercept_[0]),
        floor=floor,
        min_n=bucket[0],
        max_n=bucket[1],
        min_q=bucket[2],
        max_q=bucket[3],
    )


def predict(profile: Profile, x: np.ndarray, lists: np.ndarray) -> np.ndarray:
    """Held-out probabilities with the running minimum applied per list, as served."""
    cols = {n: x[:, i] for i, n in enumerate(profile.names)}
    out = np.empty(len(x))
    for key in np.unique(lists):
        mask = np.flatnonzero(lists == key)  # rows of one list are stored in rank order
        sub = {n: v[mask] for n, v in cols.items()}
        out[mask] = profile.probabilities(sub, len(mask))
    return out


def reliability(p, y, w) -> tuple[list[tuple], float]:
    table, ece, total = [], 0.0, w.sum()
    edges = np.linspace(0, 1, BINS + 1)
    for lo, hi in itertools.pairwise(edges):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if not mask.any():
            table.append((lo, hi, 0, float("nan"), float("nan")))
            continue
        ww = w[mask]
        mean_p = float((p[mask] * ww).sum() / ww.sum())
        rate = float((y[mask] * ww).sum() / ww.sum())
        ece += ww.sum() / total * abs(mean_p - rate)
        table.append((lo, hi, int(mask.sum()), mean_p, rate))
    return table, ece


def floor_stats(p, y, tasks, queries, floor) -> dict[str, float]:
    """Per task, then averaged: precision and recall of what is shown, and empty answers."""
    per = []
    for t in np.unique(tasks):
        m = tasks == t
        shown = p[m] >= floor
        rel = y[m] == 1
        precision = (shown & rel).sum() / max(1, shown.sum())
        recall = (shown & rel).sum() / max(1, rel.sum())
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        f2 = 5 * precision * recall / max(1e-9, 4 * precision + recall)
        qs = queries[m]
        empty = np.mean([not shown[qs == q].any() for q in np.unique(qs)])
        per.append((t, precision, recall, f1, empty, shown.mean(), f2))
    return {
        "per_task": per,
        "precision": float(np.mean([r[1] for r in per])),
        "recall": float(np.mean([r[2] for r in per])),
        "f1": float(np.mean([r[3] for r in per])),
        "f2": float(np.mean([r[6] for r in per])),
        "empty": float(np.mean([r[4] for r in per])),
    }


def evaluate(name, components, rows: Rows, args) -> list[Profile]:
    names = [n for n in FEATURES if n in rows.columns]
    names += sorted(n for n in rows.columns if n.startswith("dense_"))
    x = np.column_stack([np.asarray(rows.columns[n]) for n in names])
    y = np.asarray(rows.label)
    tasks = np.asarray(rows.task)
    queries = np.asarray(rows.query)
    ranks = np.asarray(rows.rank)
    w = task_weights(tasks)
    # One candidate list = one query in one variant (full index or small index).
    variant_keys = np.asarray([f"{t}#{q}" for t, q in zip(tasks, queries, strict=True)])
    fold = np.asarray([q % args.folds for q in queries])
    sizes = np.expm1(x[:, names.index("log_n")]).round()
    qwords = np.expm1(x[:, names.index("log_qlen")]).round()
    buckets = [
        (n_lo, n_hi, q_lo, q_hi, n_mask & q_mask)
        for n_lo, n_hi, n_mask in ((0, MAX_N, sizes < MAX_N), (MAX_N, None, sizes >= MAX_N))
        for q_lo, q_hi, q_mask in (
            (0, LONG_QUERY, qwords < LONG_QUERY),
            (LONG_QUERY, None, qwords >= LONG_QUERY),
        )
    ]
    held = np.full(len(y), float(np.average(y, weights=w)))  # a bucket too small to fit
    for f in range(args.folds):
        for n_lo, n_hi, q_lo, q_hi, bucket in buckets:
            train, test = (fold != f) & bucket, (fold == f) & bucket
            if not test.any() or len(np.unique(y[train])) < 2:
                continue
            prof = fit_profile(
                components, names, x[train], y[train], w[train], 0.0, (n_lo, n_hi, q_lo, q_hi)
            )
            # Queries of one variant are one candidate list: the whole list is in one bucket.
            held[test] = predict(prof, x[test], variant_keys[test])
    variant = np.char.find(tasks.astype(str), "/") >= 0
    top = (ranks < args.report_depth) & ~variant
    print(f"\n## Profile `{name}`: components {', '.join(components)}")
    print(f"\nHeld-out ({args.folds}-fold by query), top {args.report_depth} results per query, "
          f"the dev tasks weighted equally; {len(np.unique(queries))} queries.\n")  # fmt: skip
    table, ece = reliability(held[top], y[top], w[top])
    brier = float((w[top] * (held[top] - y[top]) ** 2).sum() / w[top].sum())
    print("| predicted | results | mean predicted | observed relevant |")
    print("|---|---|---|---|")
    for lo, hi, n, mp, rate in table:
        cells = f"{mp:.3f} | {rate:.3f}" if n else "– | –"
        print(f"| {lo:.1f}–{hi:.1f} | {n} | {cells} |")
    print(f"\nECE = {ece:.4f}   Brier = {brier:.4f}")
    for t in np.unique(tasks):
        m = (ranks < args.report_depth) & (tasks == t)
        _, ece_t = reliability(held[m], y[m], np.ones(m.sum()))
        print(f"- {t}: ECE {ece_t:.4f}, mean predicted {held[m].mean():.3f}, "
              f"observed {y[m].mean():.3f}")  # fmt: skip
    print("\n| floor | precision above floor | recall | F1 | F2 | queries with nothing shown |")
    print("|---|---|---|---|---|---|")
    scores = {}
    for floor in FLOORS:
        s = floor_stats(held[top], y[top], tasks[top], queries[top], floor)
        print(f"| {floor:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
              f"{s['f2']:.3f} | {s['empty']:.3f} |")  # fmt: skip
        scores[floor] = s["f2"]
    # The F2 curve is flat near its top: take the lowest floor within 0.01 of the best, so a
    # result is hidden only when hiding it clearly pays.
    best = min(f for f, v in scores.items() if v >= max(scores.values()) - 0.01)
    shown_rows = ranks < args.report_depth
    s = floor_stats(held[shown_rows], y[shown_rows], tasks[shown_rows], queries[shown_rows], best)
    print(f"\nChosen floor {best} (lowest within 0.01 of the best held-out F2 on the dev "
          "tasks). Per task at the floor (`/small`: the same queries over an index of 1–50 "
          "documents, half without any relevant one; `/doc`: a listing's whole text as the "
          "query, relevant = the same discipline):\n")  # fmt: skip
    print("| task | precision above floor | recall | queries with nothing shown | shown |")
    print("|---|---|---|---|---|")
    for t, precision, recall, _f1, empty, shown, _f2 in s["per_task"]:
        print(f"| {t} | {precision:.3f} | {recall:.3f} | {empty:.3f} | {shown:.3f} |")
    finals = []
    for n_lo, n_hi, q_lo, q_hi, bucket in buckets:
        if len(np.unique(y[bucket])) < 2:
            continue
        final = fit_profile(
            components, names, x[bucket], y[bucket], w[bucket], best, (n_lo, n_hi, q_lo, q_hi)
        )
        print(f"\nFinal fit, lists of {n_lo}–{n_hi or '∞'} candidates, queries of "
              f"{q_lo}–{q_hi or '∞'} words ({int(bucket.sum())} rows): " + ", ".join(
            f"{n} {c:+.3f}" for n, c in zip(names, final.coef, strict=True)
        ) + f", intercept {final.intercept:+.3f}")  # fmt: skip
        finals.append(final)
    return finals


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=DEFAULT_DEV)
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--tasks", type=lambda s: [t for t in s.split(",") if t], default=[])
    ap.add_argument("--max-queries", type=int, default=400)
    ap.add_argument("--depth", type=int, default=200)  # = matching.selectors.CANDIDATES
    ap.add_argument("--report-depth", type=int, default=20)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", default=str(DEFAULT_PATH))
    ap.add_argument("--rows", default="", help="keep the engine's rows here and reuse them")
    args = ap.parse_args()
    scorer = load_scorer(args.dev)
    t0 = time.time()
    rows_path = args.rows or ""
    if rows_path and os.path.exists(rows_path):
        with open(rows_path, "rb") as fh:
            gathered = pickle.load(fh)
    else:
        gathered = gather(args, scorer)
        if rows_path:
            with open(rows_path, "wb") as fh:
                pickle.dump(gathered, fh)
    profiles = [
        p for name, (comps, rows) in gathered.items() for p in evaluate(name, comps, rows, args)
    ]
    meta = {
        "fitted_by": "bench/calibrate.py",
        "fitted_on": time.strftime("%Y-%m-%d"),
        "tasks": args.tasks or retrieval_tasks(args.dev),
        "queries_per_task": args.max_queries,
        "depth": args.depth,
        "relevant": "dev judgement grade >= 1",
    }
    Calibrator(profiles, meta).dump(args.out)
    print(f"\nwrote {os.path.relpath(args.out, REPO)} in {time.time() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
