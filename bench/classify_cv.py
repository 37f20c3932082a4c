"""5-fold stratified cross-validation of the sector classifiers.

    .venv/bin/python bench/classify_cv.py [--items ../shared/bench/dev/zhibei-sector/items.jsonl]
        [--models anchor,engine-sparse,engine] [--cache-dir var/cache/vectors]

Prints accuracy and macro-F1 (mean ± std over folds) as a markdown table. The same
folds (shuffled with a fixed seed) are used for every model.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from common import DEFAULT_CACHE, DEFAULT_DEV, read_jsonl
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from jieli.matching.engine.classify import make_classifier


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", default=os.path.join(DEFAULT_DEV, "zhibei-sector", "items.jsonl"))
    ap.add_argument("--models", default="anchor,engine-sparse,engine")
    ap.add_argument("--cache-dir", default=DEFAULT_CACHE)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    rows = list(read_jsonl(args.items))
    texts = [str(r.get("text") or "") for r in rows]
    labels = np.array([str(r["label"]) for r in rows])
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, labels))
    print("| model | accuracy | macro-F1 | seconds |")
    print("|---|---|---|---|")
    for name in [m for m in args.models.split(",") if m]:
        accs, f1s = [], []
        t0 = time.perf_counter()
        for train, test in folds:
            clf = make_classifier(name, cache_dir=args.cache_dir)
            clf.fit([texts[i] for i in train], labels[train].tolist())
            pred = clf.predict([texts[i] for i in test])
            accs.append(accuracy_score(labels[test], pred))
            f1s.append(f1_score(labels[test], pred, average="macro"))
        secs = time.perf_counter() - t0
        print(
            f"| {name} | {np.mean(accs):.4f} ± {np.std(accs):.4f} | "
            f"{np.mean(f1s):.4f} ± {np.std(f1s):.4f} | {secs:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
