"""Where the Dagster instance lives: ``$DAGSTER_HOME`` when set (the Makefile, systemd and the containers set it),
else ``dagster/`` in the data folder. Read where it is needed and passed to Dagster explicitly, never written to
``os.environ`` (imports no Dagster: the CLI's error messages use it too)."""

import os
from collections.abc import Mapping
from pathlib import Path

from warehouse.paths import DataPaths


def dagster_home(environ: Mapping[str, str] = os.environ) -> Path:
    if environ.get("DAGSTER_HOME"):
        return Path(environ["DAGSTER_HOME"]).resolve()
    return DataPaths.from_env(environ).root / "dagster"
