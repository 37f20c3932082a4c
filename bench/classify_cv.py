"""5-fold stratified cross-validation of the sector classifiers.

    .venv/bin/python bench/classify_cv.py [--items ../shared/bench/dev/zhibei-sector/items.jsonl]
        [--models anchor,engine-sparse,engine] [--cache-dir var/cache/vectors] [--per-class]

Prints accuracy and macro-F1 (mean ± std over folds) as a markdown table. The same
folds (shuffled with a fixed seed) are used for every model. ``EngineClassifier`` chooses its
neighbour member's weight and ``k`` inside ``fit`` on the training part of each fold only, so
its figure is a nested cross-validation; the choice per fold is printed after the table.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from common import DEFAULT_CACHE, DEFAULT_DEV, read_jsonl
from sklearn.metrics import accuracy_score, classification_report, f1_score
from sklearn.model_selection import StratifiedKFold

from jieli.matching.engine.classify import make_classifier


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", default=os.path.join(DEFAULT_DEV, "zhibei-sector", "items.jsonl"))
    ap.add_argument("--models", default="anchor,engine-sparse,engine")
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--per-class", action="store_true", help="precision/recall per class")
    args = ap.parse_args()
    rows = list(read_jsonl(args.items))
    texts = [str(r.get("text") or "") for r in rows]
    labels = np.array([str(r["label"]) for r in rows])
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, labels))
    print("| model | accuracy | macro-F1 | seconds |")
    print("|---|---|---|---|")
    notes, reports = [], []
    for name in [m for m in args.models.split(",") if m]:
        accs, f1s, chosen = [], [], []
        predicted = np.empty(len(labels), dtype=object)
        t0 = time.perf_counter()
        for train, test in folds:
            clf = make_classifier(name, cache_dir=args.cache_dir)
            clf.fit([texts[i] for i in train], labels[train].tolist())
            pred = clf.predict([texts[i] for i in test])
            predicted[test] = pred
            accs.append(accuracy_score(labels[test], pred))
            f1s.append(f1_score(labels[test], pred, average="macro"))
            if hasattr(clf, "knn_weight_"):
                chosen.append(f"w={clf.knn_weight_:g} k={clf.knn_k_}")
        secs = time.perf_counter() - t0
        print(
            f"| {name} | {np.mean(accs):.4f} ± {np.std(accs):.4f} | "
            f"{np.mean(f1s):.4f} ± {np.std(f1s):.4f} | {secs:.0f} |",
            flush=True,
        )
        if chosen:
            notes.append(f"{name}: neighbour member per fold: {'; '.join(chosen)}")
        if args.per_class:
            report = classification_report(labels, predicted.astype(str), digits=3, zero_division=0)
            reports.append(f"{name}\n{report}")
    print("\n".join(["", *notes, *reports]))


if __name__ == "__main__":
    main()
