"""The listing registry: each kind declared once, with its owning app's visibility selector."""

from __future__ import annotations

import pytest

from jieli.achievements.selectors import visible_achievements
from jieli.core import registry
from jieli.core.errors import InvalidInput
from jieli.demands.selectors import visible_demands
from jieli.experts.selectors import visible_experts
from jieli.organisations.selectors import viewer_for_user, visible_organisations


def test_every_kind_is_registered_once_with_its_apps_selector():
    by_kind = {spec.kind: spec for spec in registry.kinds()}
    assert set(by_kind) == {"achievement", "demand", "expert", "organisation"}
    assert by_kind["achievement"].visible is visible_achievements
    assert by_kind["demand"].visible is visible_demands
    assert by_kind["expert"].visible is visible_experts
    assert by_kind["organisation"].visible is visible_organisations
    assert by_kind["achievement"].model._meta.label == "achievements.Achievement"
    for spec in by_kind.values():
        assert registry.find_kind(spec.plural) is spec
        assert spec.export is not None


def test_unknown_kind_is_a_field_error():
    with pytest.raises(InvalidInput) as exc:
        registry.get_kind("patent")
    assert "kind" in exc.value.fields
    assert registry.find_kind(None) is None


def test_intelligence_apps_read_their_kinds_from_the_registry():
    from jieli.duplicates.kinds import detected_kinds, kind_spec
    from jieli.imports.exports import export_kinds
    from jieli.imports.writers import duplicate_kind
    from jieli.matching.documents import model_for

    assert kind_spec("demand") is registry.get_kind("demand")
    assert {s.kind for s in detected_kinds()} == {"achievement", "demand", "organisation"}
    with pytest.raises(InvalidInput):
        kind_spec("expert")  # the detector does not cover experts
    assert duplicate_kind("achievements") == "achievement"
    assert duplicate_kind("experts") is None
    assert set(export_kinds()) == {"achievements", "demands", "experts", "organisations"}
    assert model_for("expert") is registry.get_kind("expert").model


def test_hooks_are_registered_by_the_higher_apps():
    from jieli.duplicates.apps import _queue_review

    assert registry.viewer_factory() is viewer_for_user
    assert type(registry.duplicate_check()).__module__ == "jieli.duplicates.apps"
    assert _queue_review in registry._created_listeners
    assert len(registry.startup_jobs()) == 2
