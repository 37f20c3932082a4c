"""Writes for the code lists: loading (or upgrading to) an edition of the shipped files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from jieli.regions.loading import DATA_DIR, LoadStats, load_reference_code_lists
from jieli.regions.models import Discipline, Industry, Region


def code_lists_load(
    *,
    kinds: Iterable[str] = ("region", "industry", "discipline"),
    data_dir: Path = DATA_DIR,
    editions: Mapping[str, str] | None = None,
    successors: Mapping[str, Mapping[str, str]] | None = None,
    force: bool = False,
) -> list[LoadStats]:
    """Upsert the given lists in one transaction; codes missing from the files are retired.

    Raises ``jieli.regions.loading.CodeListLoadError`` for missing or suspicious files.
    """
    kinds = set(kinds)
    return load_reference_code_lists(
        region_model=Region if "region" in kinds else None,
        industry_model=Industry if "industry" in kinds else None,
        discipline_model=Discipline if "discipline" in kinds else None,
        data_dir=data_dir,
        editions=editions,
        successors=successors,
        force=force,
    )
