"""Exploration harness: gather full score matrices once per task, replay fusion variants.

    .venv/bin/python bench/fusion_lab.py gather   # writes var/lab/<task>.npz
Used interactively (import and call ``replay``); not part of the reported table.
"""

from __future__ import annotations

import os
import pickle
import sys

import numpy as np
from common import DEFAULT_CACHE, DEFAULT_DEV, REPO, read_jsonl, retrieval_tasks

from jieli.matching.engine.engine import EngineConfig, SearchEngine

LAB = REPO / "var" / "lab"


def gather(task_dir: str, name: str, cache_dir: str = DEFAULT_CACHE) -> dict:
    eng = SearchEngine(EngineConfig(components=("dense_e5", "dense_use")), cache_dir=cache_dir)
    docs = [(d["id"], d["text"]) for d in read_jsonl(f"{task_dir}/corpus.jsonl")]
    eng.add_many(docs)
    queries = [(q["id"], q["text"]) for q in read_jsonl(f"{task_dir}/queries.jsonl")]
    qv = eng.encode_queries([t for _, t in queries])
    out = {
        "doc_ids": [d for d, _ in docs],
        "qids": [q for q, _ in queries],
        "docs": [t for _, t in docs],
        "queries": [t for _, t in queries],
    }
    for c, v in qv.items():
        vidx = eng.vectors[c]
        vidx._ensure()
        assert vidx.doc_ids == out["doc_ids"]
        out[c] = (v @ vidx._mat.T).astype(np.float32)
        out[c + "_docvec"] = vidx._mat.astype(np.float32)
    # e5 with the query encoded as a passage (symmetric use)
    enc = eng.encoder("dense_e5")
    pv = enc.encode_passages([t for _, t in queries])
    out["dense_e5_sym"] = (pv @ eng.vectors["dense_e5"]._mat.T).astype(np.float32)
    with open(LAB / f"{name}.pkl", "wb") as fh:
        pickle.dump(out, fh)
    return out


if __name__ == "__main__":
    os.makedirs(LAB, exist_ok=True)
    dev = DEFAULT_DEV
    for t in sys.argv[1:] or retrieval_tasks(dev):
        gather(f"{dev}/{t}", t)
        print("gathered", t, flush=True)
