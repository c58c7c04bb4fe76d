"""Re-running a partition leaves identical tables: the partition is replaced, never appended."""

import dagster as dg
import duckdb
import pytest

from tests.pipeline_runs import day_range, run_days
from tests.table_dumps import dump_tables
from warehouse.paths import DataPaths

pytestmark = pytest.mark.pipeline

TABLES_WITH_KEYS = {
    "staging.air_hourly": ("station_code", "ts"),
    "marts.air_hourly_aqi": ("station_code", "ts"),
    "marts.air_station_daily": ("station_code", "day"),
    "marts.air_area_daily": ("area", "day"),
}


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
        dupes = con.execute(
            f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchall()[0][0]
        assert dupes == 0, table
    batches = con.execute(
        "SELECT count(*), count(DISTINCT raw_path) FROM meta.batches WHERE dataset = 'air_hourly'"
    ).fetchall()[0]
    assert batches == (2, 2)
    con.close()
