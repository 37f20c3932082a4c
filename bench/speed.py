"""Speed and memory: indexing throughput, query latency, embedding throughput.

    .venv/bin/python bench/speed.py [--sizes 10000,100000] [--runs 3] [--queries 200]

Corpora of N listings are synthesised from the real dev documents by recombining
sentences (each synthetic document draws 2-8 sentences from the pooled description
sentences), so term statistics stay realistic. Dense document vectors at these sizes
are random unit vectors (encoding 100k passages with e5 would take hours on 2 cores);
query embedding is always real and included in the engine latency. Every number is
the median over ``--runs`` repetitions; ratios are against BM25-words measured in the
same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import time

import numpy as np
from common import DEFAULT_DEV, read_jsonl

from jieli.matching.engine.encoders import E5Encoder, USEEncoder
from jieli.matching.engine.engine import EngineConfig, SearchEngine, preset
from jieli.matching.engine.text import Tokeniser

SENT = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def synth_corpus(dev: str, n: int, seed: int = 0) -> list[tuple[str, str]]:
    pool: list[str] = []
    for task in ("zhibei-name", "csl-title"):
        for d in read_jsonl(f"{dev}/{task}/corpus.jsonl"):
            pool.extend(s for s in SENT.findall(d["text"]) if len(s) > 4)
    rng = random.Random(seed)
    return [(f"s{i}", "".join(rng.sample(pool, rng.randint(2, 8)))) for i in range(n)]


class RandomEncoder:
    """Stands in for document vectors at scale; queries use the real model."""

    def __init__(self, real, seed: int = 0) -> None:
        self.real, self.name, self.dim = real, real.name, real.dim
        self.rng = np.random.default_rng(seed)

    def encode_passages(self, texts):
        v = self.rng.normal(size=(len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def encode_queries(self, texts):
        return self.real.encode_queries(texts)


def latency(engine: SearchEngine, queries: list[str]) -> tuple[float, float]:
    engine.search(queries[0], k=10)  # warm lazy builds and model loading
    times = []
    for q in queries:
        t0 = time.perf_counter()
        engine.search(q, k=10)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default=DEFAULT_DEV)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--systems", default="bm25-words,bm25-bigrams,engine")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    out: dict = {
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version()},
    }
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        out["machine"]["cpu"] = next(
            (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?"
        )
    qtexts = [q["text"] for q in read_jsonl(f"{args.dev}/zhibei-name/queries.jsonl")]
    qtexts += [q["text"] for q in read_jsonl(f"{args.dev}/csl-keywords/queries.jsonl")]
    rng = random.Random(1)
    queries = rng.sample(qtexts, min(args.queries, len(qtexts)))
    passages = [d["text"] for d in read_jsonl(f"{args.dev}/zhibei-name/corpus.jsonl")][:64]

    # Embedding throughput (uncached), median of runs.
    real = {"e5": E5Encoder(), "use": USEEncoder()}
    emb = {}
    for name, enc in real.items():
        enc.encode_queries(["warm up"])
        p_rates, q_lat = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            enc.encode_passages(passages)
            p_rates.append(len(passages) / (time.perf_counter() - t0))
            t0 = time.perf_counter()
            for q in queries[:50]:
                enc.encode_queries([q])
            q_lat.append((time.perf_counter() - t0) * 1000 / 50)
        emb[name] = {"passages_per_s": round(statistics.median(p_rates), 1),
                     "query_ms": round(statistics.median(q_lat), 2)}  # fmt: skip
        print(name, emb[name], flush=True)
    out["embedding"] = emb

    tok = Tokeniser()
    out["sizes"] = {}
    for n in [int(s) for s in args.sizes.split(",") if s]:
        docs = synth_corpus(args.dev, n)
        row: dict = {}
        # Tokenisation alone (jieba + bigrams), which dominates lexical indexing.
        t0 = time.perf_counter()
        for _, text in docs[: min(n, 10000)]:
            tok.words(text)
        row["tokenise_docs_per_s"] = round(min(n, 10000) / (time.perf_counter() - t0))
        systems = {
            "bm25-words": preset("bm25-words"),
            "bm25-bigrams": preset("bm25-bigrams"),
            "engine": EngineConfig(),
        }
        wanted = args.systems.split(",")
        systems = {k: v for k, v in systems.items() if k in wanted or k == "bm25-words"}
        for name, cfg in systems.items():
            idx_rates, p50s, p95s, mems = [], [], [], []
            for _ in range(args.runs):
                encoders = {c: RandomEncoder(real[k]) for c, k in (("dense_e5", "e5"),
                            ("dense_use", "use"))}  # fmt: skip
                before = rss_mb()
                t0 = time.perf_counter()
                engine = SearchEngine(cfg, encoders=encoders)
                engine.add_many(docs, batch_size=2048)
                engine.search("预热", k=10)  # include the lazy matrix build in indexing
                idx_rates.append(n / (time.perf_counter() - t0))
                mems.append(rss_mb() - before)
                p50, p95 = latency(engine, queries)
                p50s.append(p50)
                p95s.append(p95)
                del engine
            row[name] = {
                "index_docs_per_s": round(statistics.median(idx_rates)),
                "p50_ms": round(statistics.median(p50s), 2),
                "p95_ms": round(statistics.median(p95s), 2),
                "rss_delta_mb": round(statistics.median(mems)),
            }
            print(n, name, row[name], flush=True)
        base = row["bm25-words"]
        for name in systems:
            row[name]["p50_vs_bm25"] = round(row[name]["p50_ms"] / base["p50_ms"], 2)
        out["sizes"][n] = row
    print(json.dumps(out, indent=1, ensure_ascii=False))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
