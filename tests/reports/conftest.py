"""The February 2026 warehouse of `envmon run`'s default window (2026-02-15 .. 02-28), built once per test session
for the report tests that need real data (the browser, the fonts, the delivery), and a pristine copy to start fresh
from.

Built once for the whole invocation, not once per xdist worker (tests/session_builds.py): the three files that read
it may run on both workers under `--dist loadfile`. Each worker then works on a copy of its own, with an ephemeral
Dagster instance of its own (the report assets read the warehouse, not the instance's records of the build)."""

import datetime as dt
import shutil

import dagster as dg
import pytest

from pipelines.commands.run import window
from tests.reports.window_warehouse import build_window_warehouse
from tests.session_builds import built_once

YESTERDAY = dt.date(2026, 2, 28)  # `envmon run` on 2026-03-01 takes 2026-02-15 .. 2026-02-28
MONTH = "2026-02"


def _build(folder):
    build_window_warehouse(folder / "data", YESTERDAY, dg.DagsterInstance.ephemeral())
    shutil.rmtree(folder / "data" / "dagster", ignore_errors=True)  # an ephemeral instance's; not shared


@pytest.fixture(scope="session")
def february(tmp_path_factory):
    pristine = built_once(tmp_path_factory, "february", _build) / "data"  # never written: nothing queued yet
    data_dir = tmp_path_factory.mktemp("february") / "data"
    shutil.copytree(pristine, data_dir)
    return {
        "data_dir": data_dir,
        "days": window(None, YESTERDAY),
        "instance": dg.DagsterInstance.ephemeral(),
        "pristine": pristine,
    }
