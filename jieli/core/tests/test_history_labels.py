"""History reads in the reader's language: actions and changed-field names translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from jieli.core.history import history_for
from jieli.core.history_labels import ACTION_LABELS, action_label, field_label

ROOT = Path(__file__).resolve().parents[2]
# argparse actions share the keyword; they are not history.
NOT_HISTORY = {"store_true", "store_false", "append"}


def _actions_written_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(re.findall(r'\baction="([a-z_]+)"', path.read_text(encoding="utf-8")))
    from jieli.core.listing import TRANSITIONS
    from jieli.imports.writers import HISTORY_ACTION
    from jieli.organisations.services import _DECISIONS

    return (found - NOT_HISTORY) | set(TRANSITIONS) | set(_DECISIONS) | {HISTORY_ACTION}


def test_every_history_action_has_a_label_in_both_languages():
    missing = _actions_written_by_the_code() - set(ACTION_LABELS)
    assert not missing, f"history actions without a translated label: {sorted(missing)}"
    for action in ACTION_LABELS:
        with translation.override("en"):
            english = action_label(action)
        with translation.override("zh-hans"):
            chinese = action_label(action)
        assert english != chinese, action  # translated, not shown as written


def test_every_model_field_has_a_translatable_name():
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("jieli.")
        for field in model._meta.get_fields()
        if field.concrete
        and not field.auto_created
        and not isinstance(getattr(field, "verbose_name", None), Promise)
    ]
    assert not untranslated


@pytest.mark.django_db
def test_a_records_history_names_actions_and_fields_in_the_page_language(roles):
    from jieli.achievements import services
    from jieli.achievements.models import Achievement
    from jieli.achievements.tests.factories import valid_data
    from jieli.organisations.tests.factories import viewer_of

    a = services.achievement_create(
        viewer=viewer_of(roles.owner_member),
        owner_id=roles.owner_org.pk,
        data=valid_data(),
        ip_records=[{"number": "ZL202110000001.2", "ip_type": "invention"}],
    )
    entry = history_for(a).get()
    assert {"price_wan", "ip_records"} <= set(entry.changes)
    with translation.override("zh-hans"):
        assert entry.action_label == "新建"
        names = entry.changed_fields
        assert str(Achievement._meta.get_field("price_wan").verbose_name) in names
        assert "price_wan" not in names and "ip_records" not in names
    with translation.override("en"):
        assert entry.action_label == "created"
        assert field_label(Achievement, "ip_records") in entry.changed_fields
    assert field_label(Achievement, "no_such_field") == "no_such_field"
