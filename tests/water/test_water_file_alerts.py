"""A monitoring-centre file reaches the river-chief alerts, for a day ten days back: through `envmon ingest`
(in-process propagation) and through the landing sensor and the automation that the daemon evaluates; a corrected
file retracts the alert, and the record keeps what was said (issue 24)."""

import datetime as dt
import os
import time

import dagster as dg
import duckdb
import pytest

from assets.partitions import days_per_run
from assets.settings import EnvmonSettings
from pipelines.cli import main as envmon
from pipelines.instance import get_instance
from pipelines.propagation import pending_after, plan
from pipelines.runs import QUIET, Runs, range_tags
from sensors.water_landing import water_landing_sensor
from tests.pipeline_runs import day_range, jobs_for
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

DAYS = day_range("2026-04-01", 11)
FILE_DAY = DAYS[0]  # ten days before the last day run


def border_file(path, tp: float, ph: str = "7.6"):
    """The whole natural day of 濑溪河 泸县入境 (the border section, target class III), total phosphorus around
    ``tp`` (real readings move: six equal ones would be flagged as a stuck probe); ``ph`` as the analyser wrote it."""
    times = [dt.datetime.combine(FILE_DAY, dt.time(0)) + dt.timedelta(hours=h) for h in (4, 8, 12, 16, 20, 24)]
    lines = ["断面名称,监测时间,pH(无量纲),溶解氧(mg/L),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L)"]
    lines += [
        f"濑溪河 泸县入境(川渝界),{t:%Y-%m-%d %H:%M},{ph},8.2,3.1,0.35,{tp + 0.005 * i:.3f}"
        for i, t in enumerate(times)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def river_alert(data_dir) -> tuple[str, int] | None:
    """(status, e-mails queued for it) of the border section's river alert on the file's day (a border exceedance:
    mailed at once, to each recipient in one mail)."""
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        row = con.execute(
            "SELECT l.status, count(d.recipient) FROM alerts.event_states AS l "
            "LEFT JOIN alerts.notifications AS n ON n.change_id = l.message_id "
            "LEFT JOIN alerts.deliveries AS d ON d.message_id = n.message_id AND d.recipient = n.recipient "
            "WHERE l.kind = 'river_exceedance' AND l.subject = 'LXH05' AND l.day = ? GROUP BY 1",
            [FILE_DAY],
        ).fetchall()
        return row[0] if row else None
    finally:
        con.close()


def test_envmon_ingest_raises_the_river_alert_of_a_day_ten_days_back_and_a_correction_retracts_it(
    data_dir, tmp_path, capsys
):
    assert envmon(["run", "--start", str(DAYS[0]), "--end", str(DAYS[-1])]) == 0
    assert river_alert(data_dir) is None  # the generated day is compliant at the border
    capsys.readouterr()

    # TP 0.36-0.385: class V; pH unreadable in every row (a value-level problem: the readings stay, pH NULL, UNP)
    assert envmon(["ingest", str(border_file(tmp_path / "泸县入境.csv", 0.36, ph="abc"))]) == 0
    status, emails = river_alert(data_dir)
    assert status == "issued" and emails >= 3  # the river chiefs of both provinces and the joint office
    said = capsys.readouterr().out  # the command ends with the alerts its file raised (and the next day's lift)
    assert "alerts: 1 raised, 1 changed, 0 retracted:" in said
    assert f"发布 issued     {FILE_DAY}" in said and f"river_exceedance/LXH05/{FILE_DAY}" in said

    assert envmon(["ingest", str(border_file(tmp_path / "泸县入境_更正.csv", 0.05))]) == 0  # the centre's correction
    status, emails = river_alert(data_dir)
    assert status == "retracted" and emails >= 3
    assert "alerts: 0 raised, 0 changed, 1 retracted:" in capsys.readouterr().out
    record = alert_record(data_dir)
    # append-only: the issue and the lift of the next day stay, the retraction and the lift's void are added
    assert record["log"][:2] == [(FILE_DAY, 0, "issued"), (FILE_DAY, 1, "retracted")]
    assert (DAYS[1], 0, "lifted") in record["log"] and (DAYS[1], 1, "void") in record["log"]
    assert record["ledger"] == {("retracted", record["file_received_at"])}  # the file that raised it


def alert_record(data_dir) -> dict:
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        log = con.execute(
            "SELECT day, revision, status FROM alerts.event_log WHERE kind = 'river_exceedance' "
            "AND subject = 'LXH05' AND event_id LIKE ? ORDER BY day, revision",
            [f"%/{FILE_DAY}"],
        ).fetchall()
        ledger = set(
            con.execute(
                "SELECT status, data_arrived_at FROM alerts.ledger WHERE kind = 'river_exceedance' "
                "AND subject = 'LXH05'"
            ).fetchall()
        )
        (received,) = con.execute(  # the first of the two files (the correction came later)
            "SELECT min(received_at) FROM meta.batches WHERE dataset = 'water_readings' AND source = 'file'"
        ).fetchone()
        return {"log": log, "ledger": ledger, "file_received_at": received}
    finally:
        con.close()


def test_the_landing_sensor_and_the_automation_raise_it_too_with_the_same_plan(data_dir, tmp_path):
    instance = get_instance()  # the project's instance in the test's data folder
    defs = jobs_for(data_dir)
    daily = defs.resolve_job_def("daily_job")

    with Runs(instance, "test") as runs:
        runs.run(daily, "window", tags=range_tags(DAYS))
        runs.propagate(daily)
    cursor = dg.evaluate_automation_conditions(defs, instance).cursor  # the daemon's view before the file

    landing = DataPaths(data_dir).landing / "water"
    landing.mkdir(parents=True, exist_ok=True)
    path = border_file(landing / "泸县入境.csv", 0.36)
    stamp = time.time() - 60
    os.utime(path, (stamp, stamp))  # written a minute ago: settled once the sensor has seen it twice
    context = lambda c: dg.build_sensor_context(  # noqa: E731
        cursor=c, instance=instance, resources={"settings": EnvmonSettings(data_dir=str(data_dir))}
    )
    first = water_landing_sensor.evaluate_tick(context(None))
    (request,) = water_landing_sensor.evaluate_tick(context(first.cursor)).run_requests
    file_run = defs.resolve_job_def("water_file_job").execute_in_process(
        run_config={**QUIET, **request.run_config}, tags=request.tags, instance=instance
    )
    assert file_run.success and river_alert(data_dir) is None  # the file alone changes only staging

    evaluation = dg.evaluate_automation_conditions(defs, instance, cursor=cursor)
    graph = daily.asset_layer.asset_graph
    requested = {
        key: evaluation.get_requested_partitions(key)
        for key in graph.get_all_asset_keys()
        if evaluation.get_num_requested(key)
    }
    assert requested == pending_after(instance, graph, [file_run.run_id])  # `envmon ingest` plans the same
    assert requested[dg.AssetKey(["alerts", "events"])] == {str(d) for d in DAYS}  # the day and those after it
    for planned in plan(graph, requested, days_per_run()):  # what the daemon launches for these requests
        assert daily.execute_in_process(
            run_config=QUIET, instance=instance, asset_selection=list(planned.assets), tags=planned.tags()
        ).success
    status, emails = river_alert(data_dir)
    assert status == "issued" and emails >= 3
