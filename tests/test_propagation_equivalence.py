"""One definition of what re-derives what (issue 25): the same scenario, a monitoring-centre file for a day ten
days back and then its correction, once through the daemon's path and once through `envmon ingest`, re-derives
the same asset partitions and gives the same marts and alert tables.

The daemon's path, in-process: the landing sensor's ticks request the file runs, and the automation that
`propagation_sensor` runs in the daemon is Dagster's evaluation of the same conditions against the instance, with
the daemon's own cursor, its requests launched as a backfill launches them (the assets that need the same days in
one run per range of days, in dependency order), tick after tick until nothing is requested. No dagster-daemon
process is started (it ticks every 30 s: minutes per test)."""

import os
import shutil
import time

import dagster as dg
import pytest

from assets.partitions import days_per_run
from assets.settings import EnvmonSettings
from pipelines.cli import main as envmon
from pipelines.instance import get_instance
from pipelines.propagation import requested
from pipelines.run_groups import plan
from pipelines.runs import QUIET
from sensors.water_landing import water_landing_sensor
from tests.pipeline_runs import jobs_for
from tests.propagation_scenario import (
    DAYS,
    FILE_DAY,
    alert_tables,
    border_file,
    eleven_days_run,
    materialized_partitions,
    models,
    rederived,
)
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

TICKS = 5  # a daemon's ticks until nothing more is requested


def daemon_ingests(data_dir, files, instance: dg.DagsterInstance) -> None:
    """Each file dropped into the landing folder, picked up by the landing sensor, and followed by the automation
    ticks."""
    defs = jobs_for(data_dir)
    graph = defs.resolve_asset_graph()
    cursor = dg.evaluate_automation_conditions(defs, instance).cursor  # the daemon has ticked since the daily run
    landing = DataPaths(data_dir).landing / "water"
    landing.mkdir(parents=True, exist_ok=True)
    sensor_cursor = None
    for file in files:
        path = shutil.copy2(file, landing / file.name)
        stamp = time.time() - 60
        os.utime(path, (stamp, stamp))  # written a minute ago: settled once the sensor has seen it twice
        requests = []
        for _ in range(2):
            context = dg.build_sensor_context(
                cursor=sensor_cursor, instance=instance, resources={"settings": EnvmonSettings(data_dir=str(data_dir))}
            )
            tick = water_landing_sensor.evaluate_tick(context)
            sensor_cursor, requests = tick.cursor, tick.run_requests
        (request,) = requests
        assert (
            defs.resolve_job_def("water_file_job")
            .execute_in_process(run_config={**QUIET, **request.run_config}, tags=request.tags, instance=instance)
            .success
        )
        for _ in range(TICKS):
            result = dg.evaluate_automation_conditions(defs, instance, cursor=cursor)
            cursor = result.cursor
            if not result.total_requested:
                break
            launch_as_backfill(defs, graph, instance, result)
        else:
            raise AssertionError(f"the automation still requests runs after {TICKS} ticks")


def launch_as_backfill(defs, graph, instance, result) -> None:
    """The requested partitions launched as the daemon's asset backfills launch them (single-run backfill
    policies): the assets that need the same days in one run per range of days, in dependency order."""
    daily = defs.resolve_job_def("daily_job")
    for run in plan(graph, requested(result, graph), days_per_run()):
        assert daily.execute_in_process(
            run_config=QUIET, instance=instance, asset_selection=list(run.assets), tags=run.tags()
        ).success, run


def test_the_daemon_and_envmon_ingest_rederive_the_same_partitions_and_give_the_same_alerts(
    tmp_path, tmp_path_factory, monkeypatch, data_dir
):
    eleven_days_run(tmp_path_factory, data_dir)  # `envmon run` of the eleven days
    by_daemon = tmp_path / "by_daemon"
    shutil.copytree(data_dir, by_daemon)  # the same eleven days, for the other path
    files = [border_file(tmp_path / "泸县入境.csv", 0.36), border_file(tmp_path / "泸县入境_更正.csv", 0.05)]

    instance = get_instance()
    runs_before = len(instance.get_runs())
    for file in files:
        assert envmon(["ingest", str(file)]) == 0
    cli = {
        "rederived": rederived(instance, runs_before),
        "partitions": materialized_partitions(instance, jobs_for(data_dir).resolve_asset_graph()),
        "alerts": alert_tables(data_dir),
        "models": models(data_dir),
    }

    monkeypatch.setenv("ENVMON_DATA_DIR", str(by_daemon))
    monkeypatch.setenv("DAGSTER_HOME", str(by_daemon / "dagster"))
    instance = get_instance()
    assert len(instance.get_runs()) == runs_before
    daemon_ingests(by_daemon, files, instance)
    daemon = {
        "rederived": rederived(instance, runs_before),
        "partitions": materialized_partitions(instance, jobs_for(by_daemon).resolve_asset_graph()),
        "alerts": alert_tables(by_daemon),
        "models": models(by_daemon),
    }

    marts = "marts/water_section_daily"
    assert cli["rederived"][marts] == {str(FILE_DAY)}  # the file's day (and only the assets below the file)
    assert cli["rederived"]["alerts/events"] == {str(d) for d in DAYS}  # the day and the days that look back to it
    assert cli["rederived"] == daemon["rederived"]
    assert cli["partitions"] == daemon["partitions"]
    river = [row for row in cli["alerts"]["event_log"] if "river_exceedance" in row and "LXH05" in row]
    assert [s for s in ("'issued'", "'retracted'") if any(s in row for row in river)] == ["'issued'", "'retracted'"]
    assert cli["alerts"].keys() == daemon["alerts"].keys() and len(cli["alerts"]) >= 8
    assert [name for name in cli["alerts"] if cli["alerts"][name] != daemon["alerts"][name]] == []
    assert [name for name in cli["models"] if cli["models"][name] != daemon["models"][name]] == []
