"""Index systems: versioned trees of weighted indicators, and the two shipped defaults.

A tree is JSON: ``{"key", "name_zh", "name_en", "weight", "children": [...]}``; a leaf has no
children and a ``scale`` ``[low, high]`` (scores outside it are refused). Weights of siblings
sum to 1. ``weight_sets`` maps an evaluation purpose to ``{node key: weight}`` overriding the
default weights (the patent index weighs legal, technical and economic value differently for
pledge financing than for licensing). Sources: docs/evaluations/index-sources.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

WEIGHT_TOLERANCE = 1e-6
MAX_NODES = 200


def _leaf(key: str, zh: str, en: str, weight: float, scale: tuple[int, int] = (0, 100)) -> dict:
    return {"key": key, "name_zh": zh, "name_en": en, "weight": weight, "scale": list(scale)}


def _node(key: str, zh: str, en: str, weight: float, children: list[dict]) -> dict:
    return {"key": key, "name_zh": zh, "name_en": en, "weight": weight, "children": children}


TECHNOLOGY_TREE = _node(
    "technology",
    "技术评价指标体系",
    "Technology index",
    1.0,
    [
        _leaf("trl", "技术成熟度（TRL 1–9）", "Technology readiness level (TRL 1–9)", 0.30, (1, 9)),
        _leaf("advancement", "技术先进性", "Advancement", 0.25),
        _leaf("independence", "自主性与不可替代性", "Independence and substitutability", 0.20),
        _leaf("process", "工艺成熟度", "Process maturity", 0.15),
        _leaf("team", "团队能力", "Team", 0.10),
    ],
)

PATENT_TREE = _node(
    "patent",
    "专利价值评价指标体系",
    "Patent value index",
    1.0,
    [
        _node(
            "legal",
            "法律价值",
            "Legal value",
            0.30,
            [
                _leaf("stability", "权利稳定性", "Stability of the right", 0.35),
                _leaf("term", "剩余保护期", "Remaining term", 0.20),
                _leaf("family", "同族与地域布局", "Family and territory", 0.20),
                _leaf("enforceability", "侵权可判定性", "Enforceability", 0.25),
            ],
        ),
        _node(
            "technical",
            "技术价值",
            "Technical value",
            0.30,
            [
                _leaf("advancement", "技术先进性", "Advancement", 0.40),
                _leaf("maturity", "技术成熟度", "Maturity", 0.30),
                _leaf("substitutability", "不可替代性", "Substitutability", 0.30),
            ],
        ),
        _node(
            "economic",
            "经济价值",
            "Economic value",
            0.40,
            [
                _leaf("market_size", "市场规模", "Market size", 0.30),
                _leaf("share", "市场占有潜力", "Share potential", 0.25),
                _leaf("competition", "竞争情况", "Competition", 0.20),
                _leaf("fit", "产业契合度", "Industrial fit", 0.25),
            ],
        ),
    ],
)

# Platform defaults, not figures from the standard (which leaves weights to the evaluator).
PATENT_WEIGHT_SETS = {
    "licensing": {"legal": 0.30, "technical": 0.30, "economic": 0.40},
    "investment": {"legal": 0.20, "technical": 0.35, "economic": 0.45},
    "pledge": {"legal": 0.45, "technical": 0.25, "economic": 0.30},
    "portfolio": {"legal": 0.35, "technical": 0.35, "economic": 0.30},
}

DEFAULTS: tuple[dict[str, Any], ...] = (
    {"key": "technology", "tree": TECHNOLOGY_TREE, "weight_sets": {}},
    {"key": "patent", "tree": PATENT_TREE, "weight_sets": PATENT_WEIGHT_SETS},
)


def walk(node: Mapping[str, Any], depth: int = 0) -> Iterator[tuple[Mapping[str, Any], int]]:
    yield node, depth
    for child in node.get("children") or []:
        yield from walk(child, depth + 1)


def leaves(tree: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [node for node, _ in walk(tree) if not node.get("children")]


def name(node: Mapping[str, Any]) -> str:
    zh = (get_language() or "zh-hans").startswith("zh")
    return str(node.get("name_zh" if zh else "name_en") or node.get("name_zh") or node["key"])


def validate(tree: Any, weight_sets: Any = None) -> None:
    """Refuse a malformed tree: missing names, duplicate keys, bad scales, weights ≠ 1."""
    if not isinstance(tree, dict):
        raise InvalidInput(fields={"tree": [_("The index tree must be a JSON object.")]})
    seen: set[str] = set()
    for count, (node, _depth) in enumerate(walk(tree), start=1):
        if count > MAX_NODES:
            raise InvalidInput(fields={"tree": [_("An index tree has at most 200 nodes.")]})
        key = node.get("key")
        if not isinstance(key, str) or not key or key in seen:
            raise InvalidInput(fields={"tree": [_("Every indicator needs its own key.")]})
        seen.add(key)
        if not str(node.get("name_zh") or "").strip():
            raise InvalidInput(fields={"tree": [_("Every indicator needs a Chinese name.")]})
        children = node.get("children") or []
        if children:
            _check_weights(key, [c.get("weight") for c in children])
        else:
            scale = node.get("scale")
            if (
                not isinstance(scale, list)
                or len(scale) != 2
                or not all(isinstance(v, int | float) for v in scale)
                or scale[0] >= scale[1]
            ):
                raise InvalidInput(
                    fields={
                        "tree": [
                            _("Indicator {key}: the scale must be [low, high].").format(key=key)
                        ]
                    }
                )
    for purpose, weights in (weight_sets or {}).items():
        if not isinstance(weights, dict):
            raise InvalidInput(fields={"weight_sets": [_("A weight set maps keys to weights.")]})
        for node, _depth in walk(tree):
            children = node.get("children") or []
            named = [c for c in children if c["key"] in weights]
            if named:
                _check_weights(
                    f"{purpose}:{node['key']}",
                    [weights.get(c["key"], c.get("weight")) for c in children],
                )


def _check_weights(key: str, weights: list[Any]) -> None:
    if not all(isinstance(w, int | float) and not isinstance(w, bool) and w >= 0 for w in weights):
        raise InvalidInput(
            fields={"tree": [_("Indicator {key}: weights must be numbers ≥ 0.").format(key=key)]}
        )
    if abs(sum(weights) - 1) > WEIGHT_TOLERANCE:
        raise InvalidInput(
            fields={
                "tree": [
                    _("The weights under {key} add up to {total}, not 1.").format(
                        key=key, total=round(sum(weights), 6)
                    )
                ]
            }
        )


def weights_for(tree: Mapping[str, Any], weight_sets: Mapping[str, Any], purpose: str) -> dict:
    """Every node key → its weight among its siblings for ``purpose``."""
    override = weight_sets.get(purpose) or {}
    return {
        node["key"]: float(override.get(node["key"], node.get("weight", 1)))
        for node, _ in walk(tree)
    }


def normalise(leaf: Mapping[str, Any], score: float) -> float:
    """A leaf score on 0–100 (the TRL's 1–9 becomes 0–100)."""
    low, high = leaf["scale"]
    return (float(score) - low) / (high - low) * 100
