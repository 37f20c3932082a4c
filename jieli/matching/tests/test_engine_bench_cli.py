"""The bench CLI writes files the official scorer reads."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from jieli.matching.engine.bench_cli import main

SCORER = Path(__file__).resolve().parents[4] / "shared" / "bench" / "score.py"

CORPUS = [
    {"id": "d1", "text": "石墨烯复合材料的制备方法及其在锂离子电池负极中的应用", "lang": "zh"},
    {"id": "d2", "text": "一种智能温室大棚环境监测系统，用于现代农业种植", "lang": "zh"},
    {"id": "d3", "text": "基于深度学习的工业设备故障诊断与预测性维护", "lang": "zh"},
    {"id": "d4", "text": "Graphene coatings for corrosion protection of pipelines", "lang": "en"},
]
QUERIES = [
    {"id": "q1", "text": "石墨烯 锂电池", "lang": "zh"},
    {"id": "q2", "text": "溫室環境監測", "lang": "zh"},
    {"id": "q3", "text": '"corrosion" AND (graphene OR -x) *:', "lang": "en"},
    {"id": "q4", "text": "😀", "lang": "zh"},
]
QRELS = "q1 0 d1 1\nq2 0 d2 1\nq3 0 d4 1\n"


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


def load_scorer():
    if not SCORER.exists():
        pytest.skip("shared score.py not available")
    spec = importlib.util.spec_from_file_location("score", SCORER)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("engine", ["bm25-words", "bm25-bigrams"])
def test_retrieve_writes_valid_trec_run(tmp_path: Path, engine: str) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", CORPUS)
    queries = write_jsonl(tmp_path / "q.jsonl", QUERIES)
    run = tmp_path / "out" / "run.tsv"
    rc = main(["retrieve", "--corpus", corpus, "--queries", queries, "--output", str(run),
               "--engine", engine, "-k", "3", "--quiet"])  # fmt: skip
    assert rc == 0
    lines = run.read_text("utf-8").splitlines()
    for line in lines:
        _qid, q0, _doc, rank, score, tag = line.split("\t")
        assert q0 == "Q0" and tag == engine
        assert 1 <= int(rank) <= 3
        float(score)
    per_query: dict[str, list[str]] = {}
    for line in lines:
        per_query.setdefault(line.split("\t")[0], []).append(line.split("\t")[2])
    assert per_query["q1"][0] == "d1"
    assert per_query["q2"][0] == "d2"  # traditional query, simplified doc

    scorer = load_scorer()
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text(QRELS, "utf-8")
    result = scorer.score(scorer.load_qrels(str(qrels)), scorer.load_run(str(run)))
    assert result["mrr@10"] == 1.0
    assert result["queries"] == 3


def test_classify_writes_predictions(tmp_path: Path) -> None:
    rows = [
        {"id": f"t{i}", "text": text, "label": label}
        for i, (text, label) in enumerate(
            [("水稻栽培", "农业"), ("玉米种植", "农业"), ("锂电池", "能源"), ("光伏发电", "能源")]
        )
    ]
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    test = write_jsonl(tmp_path / "test.jsonl", [{"id": "x1", "text": "水稻种植"}])
    out = tmp_path / "pred.jsonl"
    assert main(["classify", "--train", train, "--test", test, "--output", str(out),
                 "--model", "anchor"]) == 0  # fmt: skip
    assert [json.loads(x) for x in out.read_text("utf-8").splitlines()] == [
        {"id": "x1", "label": "农业"}
    ]


def test_module_entry_point_and_bad_engine(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "jieli.matching.engine.bench_cli", "retrieve", "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0 and "--engine" in proc.stdout
    with pytest.raises(SystemExit):
        main(["retrieve", "--corpus", "x", "--queries", "y", "--output", "z", "--engine", "no"])
