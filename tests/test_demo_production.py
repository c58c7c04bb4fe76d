"""Production never runs the generator: `envmon run` refuses it before any run (exit 2, one line naming the
setting), a run started any other way (schedule, sensor, the UI's launchpad) fails before any step writes, and the
production settings template names real sources."""

import datetime as dt
import re

import dagster as dg
import pytest

from assets.demo import production_refusal
from assets.settings import EnvmonSettings
from pipelines.definitions import defs
from pipelines.runs import Runs, range_tags
from tests.conftest import PROJECT
from tests.test_cli_options import envmon

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

TEMPLATE = PROJECT / "deploy" / "envmon.production.env"


@pytest.mark.parametrize(
    "env, argv, names, not_named",
    [
        ({}, [], ["ENVMON_AIR_SOURCE", "ENVMON_WATER_SOURCE"], []),  # nothing set: the workstation's defaults
        ({"ENVMON_AIR_SOURCE": "archive"}, ["--source", "generator"], ["--source", "ENVMON_WATER_SOURCE"], []),
        (
            {"ENVMON_AIR_SOURCE": "archive", "ENVMON_WATER_SOURCE": "generator"},
            ["--input", str(PROJECT / "tests")],
            ["ENVMON_WATER_SOURCE=landing"],
            ["ENVMON_AIR_SOURCE"],
        ),
    ],
)
def test_envmon_run_in_production_refuses_a_generator_source_before_any_run(data_dir, env, argv, names, not_named):
    # within 5 s: the options are checked before Dagster is imported (pipelines/commands/run.py)
    done = envmon(data_dir, "run", *argv, timeout=5, ENVMON_DEPLOYMENT="production", **env)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "refuses the generator (demo data)" in lines[0], done.stderr
    assert all(n in lines[0] for n in names) and not any(n in lines[0] for n in not_named), lines[0]
    assert not data_dir.exists()  # no instance, no warehouse: nothing was run


def template_settings() -> dict[str, str]:
    """The VAR=value lines of the production template that are not commented out."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))


def test_the_production_template_names_real_sources():
    values = template_settings()
    assert values["ENVMON_DEPLOYMENT"] == "production"
    assert values["ENVMON_AIR_SOURCE"] in ("archive", "livefeed") and values["ENVMON_WATER_SOURCE"] == "landing"
    settings = EnvmonSettings.from_env(values)
    assert "generator" not in (settings.air_source, settings.water_source)
    assert production_refusal(settings, "production") is None
    assert settings.air_source != "archive" or values["ENVMON_AIR_INPUT"]


def daily_run(instance, run_config=None, selection=None):
    job = defs.resolve_job_def("daily_job")
    with Runs(instance, "test", run_config) as runs:
        runs.run(job, "2026-01-01", asset_selection=selection, tags=range_tags([dt.date(2026, 1, 1)]))
    return runs.failed


def test_a_production_run_fed_by_the_generator_fails_before_it_writes(data_dir, monkeypatch):
    """As the daemon launches it (the schedule's run: settings from the variables), and from the launchpad (the
    run's own settings config); also a run of steps that do not read the sources (a seed): every step that writes
    holds the warehouse, which checks the run's settings."""
    monkeypatch.setenv("ENVMON_DEPLOYMENT", "production")
    monkeypatch.setenv("ENVMON_AIR_SOURCE", "archive")
    monkeypatch.setenv("ENVMON_AIR_INPUT", str(PROJECT / "tests"))
    monkeypatch.setenv("ENVMON_WATER_SOURCE", "generator")
    instance = dg.DagsterInstance.ephemeral()
    ((_, _, error),) = daily_run(instance)
    assert error == production_refusal(EnvmonSettings.from_env(), "production") and "ENVMON_WATER_SOURCE" in error
    monkeypatch.setenv("ENVMON_WATER_SOURCE", "landing")
    launchpad = {"resources": {"settings": {"config": {"air_source": "generator"}}}}
    seed_only = [dg.AssetKey(["seeds", "aqi_levels"])]
    ((_, _, error),) = daily_run(instance, launchpad, seed_only)
    assert "as air source" in error and "ENVMON_AIR_SOURCE" in error, error
    assert not data_dir.exists()  # no warehouse, no raw batch, no snapshot
