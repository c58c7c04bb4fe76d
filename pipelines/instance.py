"""The project's Dagster instance, under the data folder, shared by CLI runs and the UI."""

import os
import shutil
from pathlib import Path

import dagster as dg

TEMPLATE = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home() -> Path:
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_text() != TEMPLATE.read_text():
        shutil.copyfile(TEMPLATE, target)
    return home


def get_instance() -> dg.DagsterInstance:
    prepare_dagster_home()
    return dg.DagsterInstance.get()
