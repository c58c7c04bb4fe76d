"""The project's Dagster instance, under the data folder, shared by CLI runs and the UI."""

import os
from pathlib import Path

import dagster as dg

from pipelines.instance_config import write_instance_yaml


def prepare_dagster_home() -> Path:
    """``$DAGSTER_HOME/dagster.yaml`` from the deployment's template and the PostgreSQL settings (instance_config)."""
    home = Path(os.environ["DAGSTER_HOME"])
    write_instance_yaml(home, os.environ)
    return home


def get_instance() -> dg.DagsterInstance:
    prepare_dagster_home()
    return dg.DagsterInstance.get()
