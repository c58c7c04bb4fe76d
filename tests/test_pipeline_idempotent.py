"""Re-running a partition leaves identical tables: the partition is replaced, never appended."""

import dagster as dg
import duckdb
import polars as pl

from tests.pipeline_runs import day_range, run_days
from warehouse.paths import DataPaths

TABLES_WITH_KEYS = {
    "staging.air_hourly": ("station_code", "ts"),
    "marts.air_hourly_aqi": ("station_code", "ts"),
    "marts.air_station_daily": ("station_code", "day"),
    "marts.air_area_daily": ("area", "day"),
}


def dump_tables(path) -> dict[str, bytes]:
    """Every table and view of the user-facing schemas, sorted, as CSV bytes."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                "WHERE schema_name IN ('seeds', 'staging', 'intermediate', 'marts') "
                "UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() "
                "WHERE schema_name IN ('intermediate', 'marts') ORDER BY 1"
            ).fetchall()
        ]
        return {n: _csv(con.sql(f"SELECT * FROM {n} ORDER BY ALL").pl()) for n in names}
    finally:
        con.close()


def _csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes; list columns (e.g. main_pollutants VARCHAR[]) written as their text."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    flat = frame.with_columns(pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("|") for c in lists)
    return flat.write_csv().encode()


def test_rerunning_a_partition_gives_identical_tables_and_no_duplicates(data_dir):
    instance = dg.DagsterInstance.ephemeral()
    days = day_range("2026-01-14", 2)
    run_days(data_dir, days, instance=instance, generator_fault_rate=0.02)
    paths = DataPaths(data_dir)
    first = dump_tables(paths.snapshot)

    run_days(data_dir, days[:1], instance=instance, generator_fault_rate=0.02)  # the same partition again
    run_days(data_dir, days[1:], instance=instance, generator_fault_rate=0.02)
    second = dump_tables(paths.snapshot)

    assert first.keys() == second.keys() and {"staging.air_hourly", "marts.air_hourly_aqi"} <= first.keys()
    for name in first:
        assert first[name] == second[name], f"{name} changed on re-run"
    con = duckdb.connect(str(paths.snapshot), read_only=True)
    for table, key in TABLES_WITH_KEYS.items():
        dupes = con.execute(f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} GROUP BY ALL HAVING count(*) > 1)").fetchall()[0][0]
        assert dupes == 0, table
    batches = con.execute(
        "SELECT count(*), count(DISTINCT raw_path) FROM meta.batches WHERE dataset = 'air_hourly'"
    ).fetchall()[0]
    assert batches == (2, 2)
    con.close()
