"""Suggested industry (GB/T 4754 section and division) and discipline for a new listing.

The classifiers learn from the platform's own published listings (their owners and the
secretariat chose those codes), with the engine's sparse ensemble (``EngineClassifier`` without
the sentence encoder, so a suggestion costs milliseconds). A background job retrains them and
stores them under ``var/models``; every process loads the newest file. Suggestions are only
suggestions: the form shows them, the person decides.

The sparse ensemble is two linear SVMs (jieba words, character n-grams) plus a vote of the
nearest training listings, whose weight ``fit`` chooses on out-of-fold predictions
(docs/benchmarks.md, Classification). The probabilities are calibrated (``EngineClassifier``
fits a temperature on out-of-fold predictions), so ``MIN_PROBABILITY`` means the same for 11
sections and 80-odd disciplines. Before that, the raw vote over the many discipline classes put
the best one near 0.1 for most texts and the threshold hid every discipline suggestion (issue 7).
"""

from __future__ import annotations

import pickle
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from jieli.matching.engine.classify import EngineClassifier

TARGETS = ("section", "division", "discipline")
MIN_EXAMPLES = 20  # per target, and at least two labels, before anything is suggested
MIN_PROBABILITY = 0.15
MAX_TRAINING_ROWS = 50_000
# Stored with each model: a file written by older code (other members, other attributes) is
# ignored until the background job retrains, rather than failing inside predict_proba.
MODEL_FORMAT = 2

_lock = threading.Lock()
_loaded: dict[str, tuple[float, Any]] = {}


@dataclass(frozen=True)
class Suggestion:
    code: str
    label: str
    probability: float


def _model_path(target: str) -> Path:
    return Path(settings.VAR_DIR) / "models" / f"classifier-{target}.pkl"


def _label_of(
    target: str, industry_id: str | None, section: str | None, discipline_id: str | None
) -> str:
    if target == "section":
        return section or ""
    if target == "division":
        return industry_id[:2] if industry_id and industry_id[:2].isdigit() else ""
    return (discipline_id or "")[:3]


def training_rows(target: str) -> tuple[list[str], list[str]]:
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand
    from jieli.matching.documents import achievement_text, demand_text

    texts: list[str] = []
    labels: list[str] = []
    sources: list[tuple[Any, Any]] = [
        (
            Achievement.objects.filter(status="published").select_related("industry"),
            achievement_text,
        ),
        (Demand.objects.filter(status="published").select_related("industry"), demand_text),
    ]
    for qs, text_of in sources:
        for row in qs.order_by("pk")[:MAX_TRAINING_ROWS].iterator(chunk_size=2000):
            label = _label_of(
                target,
                row.industry_id,
                row.industry.section if row.industry_id else None,
                getattr(row, "discipline_id", None),
            )
            if label:
                texts.append(text_of(row))
                labels.append(label)
    return texts, labels


def classifier_train(target: str) -> int:
    """Train one target and store it; return the number of examples (0: not enough)."""
    texts, labels = training_rows(target)
    if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
        _model_path(target).unlink(missing_ok=True)
        return 0
    model = EngineClassifier().fit(texts, labels)
    path = _model_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"format": MODEL_FORMAT, "model": model}, fh)
    tmp.replace(path)  # atomic: readers never see half a file
    return len(texts)


def _model(target: str) -> Any | None:
    path = _model_path(target)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        cached = _loaded.get(target)
        if cached and cached[0] == mtime:
            return cached[1]
        with path.open("rb") as fh:
            stored = pickle.load(fh)  # noqa: S301 - written by classifier_train above
        fresh = isinstance(stored, dict) and stored.get("format") == MODEL_FORMAT
        model = stored["model"] if fresh else None
        _loaded[target] = (mtime, model)
        return model


def _code_label(target: str, code: str) -> str:
    from jieli.regions.selectors import discipline_label, industry_label

    if target == "discipline":
        return discipline_label(code) or code
    return industry_label(code) or code


def suggest_codes(text: str, *, k: int = 3) -> dict[str, list[Suggestion]]:
    """Up to ``k`` likely codes per target, most likely first; empty where no model is ready."""
    text = (text or "").strip()[:5000]
    out: dict[str, list[Suggestion]] = {t: [] for t in TARGETS}
    if not text:
        return out
    for target in TARGETS:
        model = _model(target)
        if model is None:
            continue
        probs = model.predict_proba([text])[0]
        order = probs.argsort()[::-1][:k]
        out[target] = [
            Suggestion(
                str(model.classes_[i]),
                _code_label(target, str(model.classes_[i])),
                round(float(probs[i]), 3),
            )
            for i in order
            if probs[i] >= MIN_PROBABILITY
        ]
    return out
