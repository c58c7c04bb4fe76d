import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT.parent / "shared" / "data"
CNEMC = SHARED_DATA / "cnemc_air"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh data folder (warehouse, snapshot, raw files, Dagster instance) for one test."""
    d = tmp_path / "data"
    monkeypatch.setenv("ENVMON_DATA_DIR", str(d))
    monkeypatch.setenv("DAGSTER_HOME", str(d / "dagster"))
    return d


def need_shared_data(*names: str) -> Path:
    """The real national data beside the project, or skip: it is in CI, not in a user's fresh clone."""
    for name in names or ("",):
        if not (CNEMC / name).exists():
            pytest.skip(f"real national data not found at {CNEMC / name} (present in CI, absent in a fresh clone)")
    return CNEMC


def pytest_configure(config):
    os.environ.setdefault("ENVMON_GENERATOR_FAULT_RATE", "0.003")
    tiers.configure(config)
    config.pluginmanager.register(scheduling, "envmon-scheduling")  # heaviest files first (tests/scheduling.py)


# The fast and full tiers (markers, `--fast`, the guard): tests/tiers.py. Its hooks are pytest's, so they are
# imported here, where pytest looks for them.
from tests import scheduling, tiers  # noqa: E402
from tests.tiers import (  # noqa: E402, F401
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_runtest_protocol,
)
