"""Every change of data re-derives exactly what it changes: a re-delivered day, a window run, a full refresh."""

import dagster as dg
import duckdb
import pytest

from assets.sql_models.assets import PARTITIONED_MODELS
from pipelines.cli import main as envmon
from pipelines.run_groups import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from tests.pipeline_runs import day_range, jobs_for, run_windows
from tests.propagation_scenario import DAYS as DAYS_11
from tests.propagation_scenario import eleven_days_run
from tests.table_dumps import dump_tables
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

DAYS = day_range("2026-03-01", 6)
MARTS = (
    "marts.air_hourly_aqi",
    "marts.air_station_daily",
    "marts.air_area_daily",
    "intermediate.air_aqi",
    "intermediate.air_station_daily_values",
    "marts.water_section_daily",
)
MOVING = dg.AssetKey(["intermediate", "air_hourly_moving"])  # 24-h means: day D+1 reads day D


def rows_by_day(path) -> dict[tuple[str, object], frozenset]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            (table, day): frozenset(rows)
            for table in MARTS
            for day, rows in con.execute(
                f"SELECT day, list(CAST(t AS VARCHAR)) FROM {table} AS t GROUP BY day"
            ).fetchall()
        }
    finally:
        con.close()


def materialized_since(instance, run_count: int) -> dict[dg.AssetKey, set[str]]:
    """Asset -> partitions materialized by the runs after the first ``run_count`` (what was re-derived: a
    partitioned model's run deletes and writes exactly its partitions' rows)."""
    out: dict[dg.AssetKey, set[str]] = {}
    for run in instance.get_runs(ascending=True)[run_count:]:
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            out.setdefault(e.asset_materialization.asset_key, set()).add(e.asset_materialization.partition)
    return out


def test_a_redelivered_day_rederives_that_day_and_the_days_that_look_back_to_it_only(data_dir):
    instance = dg.DagsterInstance.ephemeral()
    run_windows(data_dir, [DAYS], instance, generator_fault_rate=0.0)  # no late readings: only the day changes
    snapshot = DataPaths(data_dir).snapshot
    before, runs_before = rows_by_day(snapshot), len(instance.get_runs())
    day = DAYS[2]

    run_windows(data_dir, [[day]], instance, generator_fault_rate=0.0, generator_seed=7)  # the day re-delivered

    after = rows_by_day(snapshot)
    assert after.keys() == before.keys()
    assert all(after[(t, day)] != before[(t, day)] for t in MARTS)  # the day's AQI, daily marts: new values
    assert all(after[(t, d)] == before[(t, d)] for t, d in after if d not in (day, DAYS[3]))  # the others: same
    graph = jobs_for(data_dir).resolve_job_def("daily_job").asset_layer.asset_graph
    looks_back = {MOVING} | {k for k in graph.get_all_asset_keys() if MOVING in graph.get_ancestor_asset_keys(k)}
    rederived = materialized_since(instance, runs_before)
    for key in PARTITIONED_MODELS:  # each model: the day, and the next one where it reads the day before
        assert rederived[key] == ({str(day), str(DAYS[3])} if key in looks_back else {str(day)}), key
    assert rederived[dg.AssetKey(["alerts", "events"])] == {str(d) for d in DAYS[2:]}  # and the alerts after it


def test_a_window_is_one_run_and_any_incremental_history_equals_a_full_refresh(data_dir, tmp_path, tmp_path_factory):
    eleven_days_run(tmp_path_factory, data_dir)  # `envmon run --start 04-01 --end 04-11`, as that command left it
    instance = dg.DagsterInstance.get()
    (window,) = instance.get_runs()  # the eleven days in one run; late readings of the day before the window wait
    assert window.tags[ASSET_PARTITION_RANGE_START_TAG] == str(DAYS_11[0])  # for its own run
    assert window.tags[ASSET_PARTITION_RANGE_END_TAG] == str(DAYS_11[-1])

    # a monitoring-centre file for a day with days before it and days that look back to it, and its correction,
    # then a re-delivered day: the history the marts were built in
    file_day = DAYS_11[4]
    for tp in ("0.39", "0.05"):
        path = tmp_path / f"泸县入境_{file_day}_{tp}.csv"
        path.write_text(
            "断面名称,监测时间,总磷(mg/L)\n"
            + "".join(f"濑溪河 泸县入境(川渝界),{file_day} {h:02d}:00,{tp}\n" for h in (4, 8, 12)),
            encoding="utf-8",
        )
        assert envmon(["ingest", str(path)]) == 0
    run_windows(data_dir, [[DAYS_11[6]]], instance, generator_seed=11)  # the day re-delivered with other values
    incremental = dump_tables(DataPaths(data_dir).warehouse, schemas=("intermediate", "marts"))

    assert envmon(["run", "--full-refresh"]) == 0
    full = dump_tables(DataPaths(data_dir).warehouse, schemas=("intermediate", "marts"))
    assert full.keys() == incremental.keys() and len(full) >= 30
    assert [name for name in full if full[name] != incremental[name]] == []
