"""The project's Dagster instance, under the data folder, shared by CLI runs and the UI.

Opened from its folder (``pipelines/dagster_home.py``) with ``DagsterInstance.from_config``: Dagster's
``DagsterInstance.get()`` would need ``$DAGSTER_HOME`` in the environment, and nothing here writes ``os.environ``.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from pipelines.dagster_home import dagster_home
from pipelines.instance_config import write_instance_yaml


def prepare_dagster_home(environ: Mapping[str, str] = os.environ) -> Path:
    """``<home>/dagster.yaml`` from the deployment's template and the PostgreSQL settings (instance_config)."""
    home = dagster_home(environ)
    write_instance_yaml(home, environ)
    return home


def get_instance(environ: Mapping[str, str] = os.environ) -> dg.DagsterInstance:
    """The instance of ``environ``'s home; Dagster reads a PostgreSQL connection from the process's own environment
    (the instance file names the variables, ``instance_config.py``)."""
    return dg.DagsterInstance.from_config(str(prepare_dagster_home(environ)))
