"""The Dagster code location and the ``envmon`` command line."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# One data folder for everything (./data unless ENVMON_DATA_DIR says otherwise), and the Dagster instance inside
# it, so that CLI runs and the UI share one instance whichever way the code location is loaded.
os.environ.setdefault("ENVMON_DATA_DIR", str(PROJECT_ROOT / "data"))
os.environ.setdefault("DAGSTER_HOME", str(Path(os.environ["ENVMON_DATA_DIR"]).resolve() / "dagster"))
