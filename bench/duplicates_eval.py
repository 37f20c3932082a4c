"""Measure the duplicate detector (jieli/duplicates/detect.py) on re-worded real listings.

    .venv/bin/python bench/duplicates_eval.py [--data ../shared/data/zhibei/achievements_dev.json]
        [--queries 300] [--seed 7]

The labelled sample is built at run time from the Zhibei listings (never copied into the repo):

* the source is de-duplicated first (identical reposts: same normalised name or description);
* a held-out set is put aside; the rest is indexed (the "database");
* positives: re-worded variants of indexed records — sentences deleted, reordered and
  substituted (synonyms, a sentence from another listing), the title edited (prefixes like
  "一种" added/removed, synonyms swapped, words dropped), width/punctuation changed — at three
  strengths (light / medium / heavy);
* negatives: held-out records, half of them *hard* — the held-out records of the same industry
  class whose title is closest to an indexed one.

A predicted pair is (query, suspect); precision = correct pairs / predicted pairs, recall =
found variant→source pairs / positives. The threshold sweep re-scores the same candidates.
Candidate-generation time is the LSH + exact-map lookup per query; query time adds scoring.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jieli.duplicates import detect  # noqa: E402
from jieli.duplicates.sketch import Sketches  # noqa: E402

DEFAULT_DATA = str((REPO / ".." / "shared" / "data" / "zhibei" / "achievements_dev.json").resolve())
SWEEP = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.70)

SYNONYMS = [
    ("本发明", "本技术"),
    ("本项目", "该成果"),
    ("采用", "使用"),
    ("提高", "提升"),
    ("具有", "拥有"),
    ("可以", "能够"),
    ("降低", "减少"),
    ("方法", "工艺"),
    ("装置", "设备"),
    ("研究", "研制"),
    ("应用", "使用"),
    ("显著", "明显"),
    ("优点", "优势"),
    ("目前", "当前"),
    ("广泛", "大量"),
    ("技术", "工艺技术"),
    ("制备", "制作"),
    ("系统", "体系"),
]
TITLE_PREFIXES = ("一种", "新型", "基于")
TITLE_SUFFIXES = ("技术", "的研究", "及其应用", "项目")
SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        rows = json.load(fh)
    seen_names: set[str] = set()
    seen_texts: set[str] = set()
    out = []
    for row in rows:
        name = detect.normalise_text(row.get("name", ""))
        text = detect.normalise_text(row.get("context", ""))
        if not name or name in seen_names or (text and text in seen_texts):
            continue
        seen_names.add(name)
        seen_texts.add(text)
        out.append(
            {
                "title": row["name"].strip(),
                "summary": row.get("context", "").strip(),
                "cls": row.get("classification", ""),
            }
        )
    return out


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def swap_synonyms(text: str, rng: random.Random, p: float) -> str:
    for a, b in SYNONYMS:
        if rng.random() < p:
            text = text.replace(a, b) if a in text else text.replace(b, a)
    return text


def edit_title(title: str, rng: random.Random, strength: int) -> str:
    for _ in range(strength):
        op = rng.choice(("prefix", "suffix", "synonym", "drop"))
        if op == "prefix":
            hit = next((p for p in TITLE_PREFIXES if title.startswith(p)), None)
            title = title[len(hit) :] if hit else rng.choice(TITLE_PREFIXES) + title
        elif op == "suffix":
            hit = next((s for s in TITLE_SUFFIXES if title.endswith(s)), None)
            title = title[: -len(hit)] if hit else title + rng.choice(TITLE_SUFFIXES)
        elif op == "synonym":
            title = swap_synonyms(title, rng, 0.8)
        elif len(title) > 8:
            i = rng.randrange(0, len(title) - 2)
            title = title[:i] + title[i + 2 :]
    return title


def variant(rec: dict, others: list[dict], rng: random.Random, strength: int) -> dict:
    """strength 1 light, 2 medium, 3 heavy."""
    sents = sentences(rec["summary"])
    if len(sents) >= 3:
        n_del = {1: 0, 2: 1, 3: max(1, len(sents) // 3)}[strength]
        for _ in range(min(n_del, len(sents) - 2)):
            sents.pop(rng.randrange(len(sents)))
    if strength >= 2 and len(sents) >= 2:
        i, j = rng.sample(range(len(sents)), 2)
        sents[i], sents[j] = sents[j], sents[i]
    if strength == 3:
        donor = sentences(rng.choice(others)["summary"])
        if donor and sents:
            sents[rng.randrange(len(sents))] = rng.choice(donor)
    text = swap_synonyms("".join(sents), rng, {1: 0.2, 2: 0.5, 3: 0.8}[strength])
    if rng.random() < 0.5:  # another poster's punctuation habits
        text = text.replace("，", ",").replace("。", ". ").replace("（", "(").replace("）", ")")
    return {"title": edit_title(rec["title"], rng, strength), "summary": text}


def title_closeness(a: str, b: str) -> float:
    return detect.jaccard(
        detect.shingles(detect.normalise_text(a), 2), detect.shingles(detect.normalise_text(b), 2)
    )


def build(records: list[dict], n_queries: int, rng: random.Random):
    order = list(range(len(records)))
    rng.shuffle(order)
    held = [records[i] for i in order[:n_queries]]
    indexed = [records[i] for i in order[n_queries:]]
    by_cls: dict[str, list[dict]] = defaultdict(list)
    for rec in indexed:
        by_cls[rec["cls"]].append(rec)
    # Hard negatives: held-out records whose title is closest to an indexed one of their class.
    closeness = [
        max((title_closeness(h["title"], r["title"]) for r in by_cls[h["cls"]]), default=0.0)
        for h in held
    ]
    ranked = sorted(range(len(held)), key=lambda i: -closeness[i])
    hard = [held[i] for i in ranked[: n_queries // 2]]
    easy = rng.sample([held[i] for i in ranked[n_queries // 2 :]], n_queries // 2)
    positives = []
    for k, idx in enumerate(rng.sample(range(len(indexed)), n_queries)):
        strength = 1 + k % 3
        positives.append((variant(indexed[idx], indexed, rng, strength), idx, strength))
    negatives = [(q, None, "hard") for q in hard] + [(q, None, "easy") for q in easy]
    return (
        indexed,
        positives,
        negatives,
        statistics.mean(closeness[i] for i in ranked[: n_queries // 2]),
    )


def machine() -> str:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    nproc = subprocess.getoutput("nproc")
    return f"nproc {nproc}, {cpu}, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--queries", type=int, default=300, help="positives (and as many negatives)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    records = load(args.data)
    indexed, positives, negatives, hard_closeness = build(records, args.queries, rng)

    t0 = time.perf_counter()
    index = detect.DuplicateIndex("achievement")
    for i, rec in enumerate(indexed):
        index.add(i, rec)
    build_s = time.perf_counter() - t0
    # The bulk (import) check screens candidates by the sketches' exact score bound first.
    sketches = Sketches()
    for i in range(len(indexed)):
        sketches.add(i, index.get(i))  # type: ignore[arg-type]
    screened = screen_lost = total_cands = 0

    # For every query: all candidates with their scores (threshold 0), timed.
    cand_times, query_times = [], []
    scored: list[tuple[int | None, str, list[tuple[int, float]]]] = []
    lsh_hits = 0
    for data, truth, group in [(q, t, s) for q, t, s in positives] + negatives:
        fp = detect.fingerprint("achievement", data)
        t = time.perf_counter()
        cands = index.candidates(fp)
        cand_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        pairs = [(c, detect.score_pair(fp, index.get(c))[0]) for c in cands]  # type: ignore[arg-type]
        query_times.append(cand_times[-1] + time.perf_counter() - t)
        if truth is not None and truth in cands:
            lsh_hits += 1
        kept = sketches.screen(fp, cands)
        total_cands += len(cands)
        screened += len(cands) - len(kept)
        flagged = {c for c in cands if detect.compare("achievement", fp, c, index.get(c))}  # type: ignore[arg-type]
        screen_lost += len(flagged - kept)
        scored.append((truth, str(group), pairs))

    def measure(threshold: float) -> dict:
        predicted = correct = found = 0
        per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        fp_groups: dict[str, int] = defaultdict(int)
        for truth, group, pairs in scored:
            hits = {c for c, s in pairs if s >= threshold}
            predicted += len(hits)
            if truth is not None:
                ok = truth in hits
                correct += ok
                found += ok
                per_group[group][0] += ok
                per_group[group][1] += 1
                fp_groups["positives"] += len(hits) - ok
            else:
                fp_groups[group] += len(hits)
        p = correct / predicted if predicted else 1.0
        r = found / len(positives)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "t": threshold,
            "p": p,
            "r": r,
            "f1": f1,
            "pred": predicted,
            "groups": {g: v[0] / v[1] for g, v in per_group.items()},
            "fp": dict(fp_groups),
        }

    rows = [measure(t) for t in SWEEP]
    best = max(rows, key=lambda r: (round(r["f1"], 3), r["p"]))
    chosen = measure(detect.SUSPECT_THRESHOLD)
    strength = {"1": "light", "2": "medium", "3": "heavy"}
    print(f"machine: {machine()}")
    print(
        f"source: {len(records)} unique records; indexed {len(indexed)}; "
        f"{len(positives)} positives, {len(negatives)} negatives "
        f"(hard: mean title 2-gram Jaccard to closest same-class record {hard_closeness:.2f})"
    )
    print(
        f"index build: {build_s:.2f} s; LSH candidate recall of true pairs: "
        f"{lsh_hits / len(positives):.3f}"
    )
    print(
        f"bulk screen (sketch bound at {detect.SUSPECT_THRESHOLD}): {screened} of {total_cands} "
        f"candidates dropped unread; suspects lost: {screen_lost}"
    )
    print(
        f"candidate generation per query: median {statistics.median(cand_times) * 1e3:.2f} ms, "
        f"p95 {sorted(cand_times)[int(0.95 * len(cand_times))] * 1e3:.2f} ms; "
        f"with scoring: median {statistics.median(query_times) * 1e3:.2f} ms"
    )
    print()
    print(
        "| threshold | precision | recall | F1 | predicted pairs | recall light / medium / heavy "
        "| false pos. (positives / hard / easy) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows + ([] if detect.SUSPECT_THRESHOLD in SWEEP else [chosen]):
        mark = " **(chosen)**" if abs(r["t"] - detect.SUSPECT_THRESHOLD) < 1e-9 else ""
        g = r["groups"]
        print(
            f"| {r['t']:.2f}{mark} | {r['p']:.3f} | {r['r']:.3f} | {r['f1']:.3f} | {r['pred']} "
            f"| {' / '.join(f'{g.get(k, 0):.2f}' for k in ('1', '2', '3'))} "
            f"| {r['fp'].get('positives', 0)} / {r['fp'].get('hard', 0)} / "
            f"{r['fp'].get('easy', 0)} |"
        )
    print()
    print(
        f"best F1 in the sweep at threshold {best['t']:.2f} (F1 {best['f1']:.3f}); "
        f"code uses SUSPECT_THRESHOLD = {detect.SUSPECT_THRESHOLD} "
        f"(P {chosen['p']:.3f}, R {chosen['r']:.3f}, F1 {chosen['f1']:.3f}); "
        f"strengths: {strength}"
    )


if __name__ == "__main__":
    main()
