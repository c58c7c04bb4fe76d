"""Every change of data re-derives exactly what it changes: a re-delivered day, a window run, a full refresh."""

import dagster as dg
import duckdb

from pipelines.cli import main as envmon
from tests.pipeline_runs import day_range, run_windows
from tests.table_dumps import dump_tables
from warehouse.paths import DataPaths

DAYS = day_range("2026-03-01", 6)
MARTS = ("marts.air_hourly_aqi", "marts.air_station_daily", "marts.air_area_daily", "intermediate.air_aqi",
         "intermediate.air_station_daily_values", "marts.water_section_daily")
# their day D+1 reads day D through the 24-h moving means (a look-back of one day)
LOOKING_BACK = {"marts.air_hourly_aqi", "marts.air_station_daily", "marts.air_area_daily", "intermediate.air_aqi"}


def rows_by_day(path) -> dict[tuple[str, object], tuple[frozenset, frozenset]]:
    """(table, day) -> (row ids, rows): a rewritten row gets a new row id even when its values are the same."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for table in MARTS:
            for day, ids, rows in con.execute(
                f"SELECT day, list(rowid), list(CAST(t AS VARCHAR)) FROM {table} AS t GROUP BY day"
            ).fetchall():
                out[(table, day)] = (frozenset(ids), frozenset(rows))
        return out
    finally:
        con.close()


def materialized_partitions(instance, key: list[str], after: int) -> set[str]:
    """Partitions of the asset materialized by the runs after the first ``after`` runs."""
    runs = sorted(instance.get_runs(), key=lambda r: r.create_timestamp)[after:]
    return {
        e.asset_materialization.partition
        for run in runs
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        if e.asset_materialization.asset_key == dg.AssetKey(key)
    }


def test_a_redelivered_day_rederives_that_day_and_the_days_that_look_back_to_it_only(data_dir):
    instance = dg.DagsterInstance.ephemeral()
    run_windows(data_dir, [DAYS], instance, generator_fault_rate=0.0)  # no late readings: only the day changes
    snapshot = DataPaths(data_dir).snapshot
    before, runs_before = rows_by_day(snapshot), len(instance.get_runs())
    day = DAYS[2]

    run_windows(data_dir, [[day]], instance, generator_fault_rate=0.0, generator_seed=7)  # the day re-delivered

    after = rows_by_day(snapshot)
    assert after.keys() == before.keys()
    for (table, d), (ids, rows) in after.items():
        if d == day:
            assert rows != before[(table, d)][1] and not ids & before[(table, d)][0], (table, d)  # new data, rewritten
        elif d == DAYS[3] and table in LOOKING_BACK:
            assert not ids & before[(table, d)][0], (table, d)  # re-derived: it reads the day before
        else:
            assert (ids, rows) == before[(table, d)], f"{table} {d} was rewritten"  # untouched
    # in Dagster: the day's models, the next day's for those with a look-back, the alerts of the days after it
    assert materialized_partitions(instance, ["intermediate", "air_station_daily_values"], runs_before) == {str(day)}
    assert materialized_partitions(instance, ["intermediate", "air_hourly_moving"], runs_before) == {
        str(day), str(DAYS[3])}
    assert materialized_partitions(instance, ["alerts", "events"], runs_before) == {str(d) for d in DAYS[2:]}


def test_a_window_is_one_run_and_any_incremental_history_equals_a_full_refresh(data_dir, tmp_path):
    days = day_range("2026-02-01", 14)
    assert envmon(["run", "--start", str(days[0]), "--end", str(days[-1])]) == 0
    instance = dg.DagsterInstance.get()
    window_runs = [r for r in instance.get_runs() if "envmon/started_by" not in r.tags]
    assert len(window_runs) == 1  # the 14 days in one run ...
    assert (window_runs[0].tags["dagster/asset_partition_range_start"],
            window_runs[0].tags["dagster/asset_partition_range_end"]) == ("2026-02-01", "2026-02-14")
    assert len(instance.get_runs()) <= 4  # ... and what its late readings reach, re-derived by a few more

    # a monitoring-centre file and its correction, a re-delivered day: the history the marts were built in
    for tp in ("0.39", "0.05"):
        path = tmp_path / f"泸县入境_2026-02-05_{tp}.csv"
        path.write_text("断面名称,监测时间,总磷(mg/L)\n" + "".join(
            f"濑溪河 泸县入境(川渝界),2026-02-05 {h:02d}:00,{tp}\n" for h in (4, 8, 12)), encoding="utf-8")
        assert envmon(["ingest", str(path)]) == 0
    run_windows(data_dir, [[days[8]]], instance, generator_seed=11)  # the day re-delivered with other values
    incremental = dump_tables(DataPaths(data_dir).warehouse, schemas=("intermediate", "marts"))

    assert envmon(["run", "--full-refresh"]) == 0
    full = dump_tables(DataPaths(data_dir).warehouse, schemas=("intermediate", "marts"))
    assert full.keys() == incremental.keys() and len(full) >= 30
    assert [name for name in full if full[name] != incremental[name]] == []
