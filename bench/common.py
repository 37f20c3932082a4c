"""Shared helpers for the benchmark scripts (not part of the installed package)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _find_dev() -> str:
    """``shared/bench/dev`` beside the checkout, or beside a parent (git worktrees)."""
    for parent in REPO.parents:
        candidate = parent / "shared" / "bench" / "dev"
        if candidate.is_dir():
            return str(candidate)
    return str((REPO / ".." / "shared" / "bench" / "dev").resolve())


DEFAULT_DEV = os.environ.get("JIELI_BENCH_DEV") or _find_dev()
DEFAULT_CACHE = str(REPO / "var" / "cache" / "vectors")
RETRIEVAL_TASKS = ("csl-title", "csl-keywords", "zhibei-name")


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def load_scorer(dev_dir: str) -> ModuleType:
    """Import the official score.py that sits next to the dev directory."""
    path = Path(dev_dir).resolve().parent / "score.py"
    spec = importlib.util.spec_from_file_location("bench_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def retrieval_tasks(dev_dir: str) -> list[str]:
    return [t for t in sorted(os.listdir(dev_dir)) if (Path(dev_dir) / t / "qrels.tsv").exists()]
