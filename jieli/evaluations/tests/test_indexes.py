"""Index trees: the shipped defaults are valid; malformed trees and weights are refused."""

import copy

import pytest

from jieli.core.errors import InvalidInput
from jieli.evaluations import indexes


@pytest.mark.parametrize("default", indexes.DEFAULTS, ids=lambda d: d["key"])
def test_defaults_are_valid(default):
    indexes.validate(default["tree"], default["weight_sets"])


def test_trl_leaf_uses_the_1_to_9_scale_and_normalises():
    trl = next(leaf for leaf in indexes.leaves(indexes.TECHNOLOGY_TREE) if leaf["key"] == "trl")
    assert trl["scale"] == [1, 9]
    assert indexes.normalise(trl, 9) == 100 and indexes.normalise(trl, 5) == 50


def test_weights_not_summing_to_one_are_refused():
    tree = copy.deepcopy(indexes.TECHNOLOGY_TREE)
    tree["children"][0]["weight"] = 0.5
    with pytest.raises(InvalidInput) as caught:
        indexes.validate(tree)
    assert "1.2" in caught.value.fields["tree"][0]


def test_weight_set_not_summing_to_one_is_refused():
    with pytest.raises(InvalidInput):
        indexes.validate(indexes.PATENT_TREE, {"pledge": {"legal": 0.9, "technical": 0.3}})


@pytest.mark.parametrize(
    "breakage",
    [
        lambda t: t["children"][0].update(key=t["children"][1]["key"]),
        lambda t: t["children"][0].update(scale=[5, 1]),
        lambda t: t["children"][0].update(name_zh=""),
        lambda t: t["children"][0].update(weight="0.3"),
    ],
)
def test_malformed_trees_are_refused(breakage):
    tree = copy.deepcopy(indexes.TECHNOLOGY_TREE)
    breakage(tree)
    with pytest.raises(InvalidInput):
        indexes.validate(tree)


def test_purpose_weights_override_defaults():
    weights = indexes.weights_for(indexes.PATENT_TREE, indexes.PATENT_WEIGHT_SETS, "pledge")
    assert weights["legal"] == 0.45 and weights["stability"] == 0.35
