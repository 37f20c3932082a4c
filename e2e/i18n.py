"""Expected interface text in each language, read from the project's own catalogue.

Tests name buttons and links by their English msgid; on Chinese pages they expect the
catalogue's translation. A msgid missing from the catalogue, untranslated or fuzzy fails the
test at once, so a Chinese page can never pass by showing English.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib

LANGS = ("zh-hans", "en")
PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@cache
def _catalogue() -> dict[str, str]:
    entries = {}
    for entry in polib.pofile(str(PO)):
        if entry.obsolete or entry.msgid_plural or "fuzzy" in entry.flags:
            continue
        if entry.msgstr.strip():
            entries[entry.msgid] = entry.msgstr
    return entries


def tr(lang: str, msgid: str) -> str:
    """The text a page in ``lang`` shows for ``msgid``."""
    if lang == "en":
        return msgid
    try:
        return _catalogue()[msgid]
    except KeyError:
        raise AssertionError(f"no Chinese translation for {msgid!r} in {PO}") from None


def exactly(lang: str, msgid: str) -> re.Pattern[str]:
    """An accessible-name pattern: the whole text, any case (``capfirst`` in templates)."""
    return re.compile(rf"^\s*{re.escape(tr(lang, msgid))}\s*$", re.IGNORECASE)
