"""Command line for the benchmarks: ``jieli bench retrieve|classify ...``.

Every anchor runs through the same ``SearchEngine`` code path as the engine; only the
``EngineConfig`` differs (see ``engine.PRESETS``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator

__all__ = ["main"]


def _read_jsonl(path: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: invalid JSON ({exc.msg})") from None


def _retrieve(args: argparse.Namespace) -> int:
    from .engine import SearchEngine, preset

    config = preset(args.engine, tag=args.tag or args.engine)
    engine = SearchEngine(config, cache_dir=args.cache_dir)
    started = time.perf_counter()
    engine.add_many((str(d["id"]), str(d.get("text") or "")) for d in _read_jsonl(args.corpus))
    indexed = time.perf_counter()
    queries = [(str(q["id"]), str(q.get("text") or "")) for q in _read_jsonl(args.queries)]
    results = engine.search_many([t for _, t in queries], k=args.k)
    finished = time.perf_counter()
    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    tag = config.tag.replace(" ", "_") or "run"
    with open(args.output, "w", encoding="utf-8") as fh:
        for (qid, _), hits in zip(queries, results, strict=True):
            for rank, hit in enumerate(hits, start=1):
                fh.write(f"{qid}\tQ0\t{hit.doc_id}\t{rank}\t{hit.score:.6f}\t{tag}\n")
    if not args.quiet:
        print(
            f"{args.engine}: {len(engine)} docs indexed in {indexed - started:.1f}s, "
            f"{len(queries)} queries in {finished - indexed:.1f}s -> {args.output}",
            file=sys.stderr,
        )
    return 0


def _classify(args: argparse.Namespace) -> int:
    from .classify import make_classifier

    train = list(_read_jsonl(args.train))
    test = list(_read_jsonl(args.test))
    if not train:
        raise SystemExit("empty training set")
    clf = make_classifier(args.model, cache_dir=args.cache_dir)
    clf.fit([str(r.get("text") or "") for r in train], [str(r["label"]) for r in train])
    labels = clf.predict([str(r.get("text") or "") for r in test])
    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as fh:
        for row, label in zip(test, labels, strict=True):
            fh.write(json.dumps({"id": row["id"], "label": label}, ensure_ascii=False) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .engine import PRESETS

    parser = argparse.ArgumentParser(prog="jieli bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cache_default = os.environ.get("JIELI_CACHE_DIR")

    ret = sub.add_parser("retrieve", help="rank a corpus for each query; write a TREC run")
    ret.add_argument("--corpus", required=True, help='JSONL with {"id", "text"}')
    ret.add_argument("--queries", required=True, help='JSONL with {"id", "text"}')
    ret.add_argument("--output", required=True, help="TREC run file to write")
    ret.add_argument("--engine", default="engine", choices=sorted(PRESETS))
    ret.add_argument("--cache-dir", default=cache_default, help="embedding cache directory")
    ret.add_argument("-k", type=int, default=100, help="results per query")
    ret.add_argument("--tag", default=None, help="run tag (default: engine name)")
    ret.add_argument("--quiet", action="store_true")
    ret.set_defaults(func=_retrieve)

    cls = sub.add_parser("classify", help="train on labelled JSONL, predict another")
    cls.add_argument("--train", required=True, help='JSONL with {"id", "text", "label"}')
    cls.add_argument("--test", required=True, help='JSONL with {"id", "text"}')
    cls.add_argument("--output", required=True, help='JSONL {"id", "label"} to write')
    cls.add_argument("--model", default="engine", choices=["engine", "anchor"])
    cls.add_argument("--cache-dir", default=cache_default, help="embedding cache directory")
    cls.set_defaults(func=_classify)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if getattr(args, "k", 1) < 1:
        raise SystemExit("-k must be at least 1")
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
