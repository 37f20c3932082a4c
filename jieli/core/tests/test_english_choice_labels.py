"""The coded vocabularies other than the code lists (model choices, TRL levels, NSFC
departments) have an English label on English pages: never Chinese only. (The code lists are
checked in ``jieli/regions/tests/test_english_names.py``.)

Some English labels keep the Chinese term of art after it, e.g. "Pilot test (中试)"; that is an
English label, so it passes.
"""

import re

from django.apps import apps
from django.utils import translation

from jieli.achievements.models import TRL_LEVELS
from jieli.regions.names_en import NSFC_DEPARTMENTS

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _choice_labels():
    for model in apps.get_models():
        if not model.__module__.startswith("jieli."):
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                yield f"{model._meta.label}.{field.name}={value}", label


def test_every_choice_has_an_english_label():
    labels = list(_choice_labels())
    assert len(labels) > 50
    with translation.override("en"):
        chinese_only = [
            (key, str(label)) for key, label in labels if not LATIN_WORD.search(str(label))
        ]
        assert chinese_only == []
        assert all(LATIN_WORD.search(str(t.name_en)) for t in TRL_LEVELS)
    assert all(LATIN_WORD.search(english) for _zh, english in NSFC_DEPARTMENTS.values())
