"""Names kept in Chinese with an optional English form."""

from __future__ import annotations

from django.utils import translation


def localised_name(name: str, name_en: str) -> str:
    """``name_en`` on English pages when there is one, else the (Chinese) ``name``."""
    language = (translation.get_language() or "").lower()
    if name_en and language.startswith("en"):
        return name_en
    return name
