import shutil
from pathlib import Path

import pytest

from jieli.regions import cache
from jieli.regions.loading import DATA_DIR


@pytest.fixture(autouse=True)
def _fresh_lookup_tables():
    """Tests that reload code lists roll back; never let their tables leak into other tests."""
    cache.invalidate()
    yield
    cache.invalidate()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped code lists, to simulate a new edition."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target
