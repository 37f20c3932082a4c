"""Keywords as every listing keeps them: a short list of distinct, trimmed words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40
# Chinese and English list separators alike: "储能，电池、锂电; solar".
KEYWORD_SPLIT = re.compile(r"[,，、;；\n\r\t]+")


def clean_keywords(value: Any, *, field: str = "keywords") -> list[str]:
    """A list or a separated string → trimmed keywords, duplicates (any case) dropped."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items: Iterable[Any] = KEYWORD_SPLIT.split(value)
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise InvalidInput(fields={field: [_("Enter a list.")]})
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise InvalidInput(fields={field: [_("Enter text.")]})
        word = " ".join(item.split())
        if not word:
            continue
        if len(word) > MAX_KEYWORD_LENGTH:
            raise InvalidInput(
                fields={
                    field: [
                        _("Each keyword has at most {n} characters.").format(n=MAX_KEYWORD_LENGTH)
                    ]
                }
            )
        if word.casefold() not in seen:
            seen.add(word.casefold())
            out.append(word)
    if len(out) > MAX_KEYWORDS:
        raise InvalidInput(fields={field: [_("At most {n} keywords.").format(n=MAX_KEYWORDS)]})
    return out


def clean_keywords_into(value: Any, errors: dict[str, list[str]]) -> list[str]:
    """``clean_keywords`` for services that gather every field's errors before raising."""
    try:
        return clean_keywords(value)
    except InvalidInput as exc:
        for name, messages in exc.fields.items():
            errors.setdefault(name, []).extend(messages)
        return []
