"""Replay engine fusion over gathered matrices (exploration only)."""

from __future__ import annotations

import pickle

import numpy as np
from common import DEFAULT_DEV, REPO, load_scorer

from jieli.matching.engine import fusion as fz
from jieli.matching.engine.engine import _longest_common_substring
from jieli.matching.engine.lexical import BM25Index
from jieli.matching.engine.text import Tokeniser, compact

LAB = REPO / "var" / "lab"
scorer = load_scorer(DEFAULT_DEV)
TOK = Tokeniser()
TASKS = ("csl-keywords", "csl-title", "zhibei-name")
_data: dict = {}
_bm25: dict = {}
_phrase: dict = {}


def data(task):
    if task not in _data:
        with open(LAB / f"{task}.pkl", "rb") as fh:
            d = pickle.load(fh)
        d["qrels"] = scorer.load_qrels(f"{DEFAULT_DEV}/{task}/qrels.tsv")
        d["compact"] = [compact(t) for t in d["docs"]]
        d["qcompact"] = [compact(t) for t in d["queries"]]
        _data[task] = d
    return _data[task]


def bm25(task, kind, k1=1.2, b=0.75):
    key = (task, kind, k1, b)
    if key not in _bm25:
        d = data(task)
        tok = TOK.words if kind == "words" else TOK.bigrams
        idx = BM25Index(k1, b)
        for i, t in zip(d["doc_ids"], d["docs"], strict=True):
            idx.add(i, tok(t))
        assert idx.doc_ids == d["doc_ids"]
        _bm25[key] = np.stack([idx.scores(tok(q)) for q in d["queries"]])
    return _bm25[key]


def phrase(task, qi, cand):
    d = data(task)
    q = d["qcompact"][qi]
    out = np.zeros(len(cand))
    if len(q) < 2:
        return out
    for j, c in enumerate(cand):
        k = (task, qi, c)
        v = _phrase.get(k)
        if v is None:
            v = _longest_common_substring(q, d["compact"][c]) / len(q)
            _phrase[k] = v
        out[j] = v
    return out


def topk(s, k):
    idx = np.argpartition(-s, k - 1)[:k] if k < len(s) else np.arange(len(s))
    return idx[np.lexsort((idx, -s[idx]))]


def norm(kind, vals, ref):
    if kind == "z":
        return fz.standardise(vals, ref)
    if kind == "minmax":
        lo, hi = ref.min(), ref.max()
        return (vals - lo) / (hi - lo) if hi - lo > 1e-9 else np.zeros_like(vals)
    if kind == "max":  # divide by top score, shift by median
        hi = ref.max()
        return vals / hi if hi > 1e-9 else np.zeros_like(vals)
    if kind == "zmax":  # z against the list, but scale set by (top - mean)
        m = ref.mean()
        s = ref.max() - m
        return (vals - m) / s if s > 1e-9 else np.zeros_like(vals)
    raise ValueError(kind)


def run(
    task,
    weights,
    *,
    depth=100,
    k1b=None,
    prf=1.5,
    prf_depth=3,
    prf_comp="dense_e5",
    normk="z",
    e5="dense_e5",
    ref_depth=None,
    qsel=None,
    return_run=False,
    extra=None,
):
    d = data(task)
    k1b = k1b or {}
    mats = {
        "bm25_words": bm25(task, "words", *k1b.get("bm25_words", (1.2, 0.75))),
        "bm25_bigrams": bm25(task, "bigrams", *k1b.get("bm25_bigrams", (1.2, 0.75))),
        "dense_e5": d[e5],
        "dense_use": d["dense_use"],
    }
    ref_depth = ref_depth or depth
    runs = {}
    nq = len(d["qids"])
    for qi in range(nq) if qsel is None else qsel:
        cand = {}
        refs = {}
        for c, m in mats.items():
            s = m[qi]
            best = topk(s, depth)
            if c.startswith("bm25"):
                best = best[s[best] > 0]
            cand.update(dict.fromkeys(best.tolist()))
            rb = topk(s, ref_depth)
            if c.startswith("bm25"):
                rb = rb[s[rb] > 0]
            refs[c] = s[rb]
        cand = np.array(list(cand))
        total = np.zeros(len(cand))
        for c, m in mats.items():
            w = weights.get(c, 0)
            if w:
                total += w * norm(normk, m[qi][cand].astype(np.float64), refs[c].astype(np.float64))
        if weights.get("phrase"):
            ph = phrase(task, qi, cand)
            total += weights["phrase"] * norm(normk, ph, ph)
        if extra:
            total = extra(task, qi, cand, total, mats)
        if prf:
            head = np.argsort(-total, kind="stable")[:prf_depth]
            for pc in prf_comp.split("+"):
                V = d[pc + "_docvec"][cand]
                sims = V @ V[head].mean(axis=0)
                ref = np.sort(sims)[::-1][:depth]
                total = total + prf / len(prf_comp.split("+")) * fz.standardise(sims, ref)
        order = np.lexsort((np.arange(len(total)), -total))[:100]
        runs[d["qids"][qi]] = [d["doc_ids"][cand[i]] for i in order]
    if return_run:
        return runs
    qrels = d["qrels"] if qsel is None else {d["qids"][q]: d["qrels"][d["qids"][q]] for q in qsel}
    r = scorer.score(qrels, runs)
    return round(r["ndcg@10"], 4), round(r["mrr@10"], 4)


W0 = dict(fz.DEFAULT_WEIGHTS)


def run_all(weights, **kw):
    return {t: run(t, weights, **kw) for t in TASKS}


ANCH = {
    "csl-keywords": (0.6163, 0.9839),
    "csl-title": (0.6225, 0.9842),
    "zhibei-name": (0.8718, 0.8475),
}


def margin(res):
    return {t: (round(r[0] - ANCH[t][0], 4), round(r[1] - ANCH[t][1], 4)) for t, r in res.items()}
