"""Invalidation of the per-process code-list lookup tables (built in ``selectors``).

Each process keeps its tables in memory. The loader bumps a version number in the Django cache
(and locally); processes notice a new version within ``CHECK_SECONDS``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache as django_cache

VERSION_KEY = "jieli:regions:codelists:version"
CHECK_SECONDS = 30.0

_local: dict[str, Any] = {"version": None, "checked": 0.0, "tables": {}}


def invalidate() -> None:
    """Drop this process's tables and tell the other processes to drop theirs."""
    _local["tables"] = {}
    _local["checked"] = 0.0
    try:
        version = django_cache.get(VERSION_KEY, 0) + 1
        django_cache.set(VERSION_KEY, version, timeout=None)
    except Exception:  # a cache outage must not break loading
        version = None
    _local["version"] = version


def tables() -> dict[str, Any]:
    """This process's table store; emptied when another process has loaded new data."""
    now = time.monotonic()
    if now - _local["checked"] > CHECK_SECONDS:
        _local["checked"] = now
        try:
            version = django_cache.get(VERSION_KEY)
        except Exception:
            version = _local["version"]
        if version != _local["version"]:
            _local["version"] = version
            _local["tables"] = {}
    tables: dict[str, Any] = _local["tables"]
    return tables


def memo(name: str, max_size: int = 4096) -> dict[Any, Any]:
    """A per-process memo for results derived from the code lists (e.g. free-text resolution).

    It lives with the lookup tables, so it is dropped whenever the code lists are reloaded, in
    this process at once and in the others within ``CHECK_SECONDS``. Emptied when it grows past
    ``max_size`` entries.
    """
    store = tables()
    found: dict[Any, Any] = store.setdefault(f"memo:{name}", {})
    if len(found) >= max_size:
        found.clear()
    return found
