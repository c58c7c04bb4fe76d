"""The February 2026 warehouse of `envmon run`'s default window (2026-02-15 .. 02-28), built once for the report
tests that need real data (the browser, the fonts, the delivery), and a pristine copy to start fresh from."""

import datetime as dt
import shutil

import dagster as dg
import pytest

from tests.reports.window_warehouse import build_window_warehouse

YESTERDAY = dt.date(2026, 2, 28)  # `envmon run` on 2026-03-01 takes 2026-02-15 .. 2026-02-28
MONTH = "2026-02"


@pytest.fixture(scope="session")
def february(tmp_path_factory):
    root = tmp_path_factory.mktemp("february")
    data_dir = root / "data"
    instance = dg.DagsterInstance.ephemeral()
    days = build_window_warehouse(data_dir, YESTERDAY, instance)
    pristine = root / "pristine"
    shutil.copytree(data_dir, pristine, ignore=shutil.ignore_patterns("dagster"))  # before any report is queued
    return {"data_dir": data_dir, "days": days, "instance": instance, "pristine": pristine}
