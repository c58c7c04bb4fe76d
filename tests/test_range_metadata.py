"""A run over a range of days records each day's own metadata on that day's materialization, and the previews and
column schemas on its last day (the asset's latest in the UI), instead of copying them to every day."""

from collections import Counter

import dagster as dg
import pytest
import sqlalchemy as db

from pipelines.instance import get_instance
from tests.pipeline_runs import day_range, run_windows

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

DAYS = day_range("2026-06-01", 3)
AIR, MART, ALERTS = (
    dg.AssetKey(k) for k in (["staging", "air_hourly"], ["marts", "air_station_daily"], ["alerts", "events"])
)


def test_each_day_keeps_its_own_batch_and_the_last_day_the_preview_and_columns(data_dir):
    instance = get_instance()  # the project's SQLite instance (Dagster's own storage)
    (result,) = run_windows(data_dir, [DAYS], instance, generator_fault_rate=0.0)
    events = {(e.asset_key, e.partition): e.materialization.metadata for e in result.get_asset_materialization_events()}
    first, last = str(DAYS[0]), str(DAYS[-1])

    for day in map(str, DAYS):  # the day's own batch, and only it
        batches = events[(AIR, day)]["batches"].value
        assert f"| {day} |" in batches and batches.count("\n| 2026-06-") == 1
        assert events[(AIR, day)]["source"].value == "generator" and events[(AIR, day)]["dagster/row_count"].value > 0
        assert "changes" in events[(ALERTS, day)]

    assert "preview" in events[(AIR, last)] and "preview" not in events[(AIR, first)]
    assert "dagster/column_schema" in events[(MART, last)] and "dagster/column_schema" not in events[(MART, first)]
    assert events[(MART, first)]["window"] == events[(MART, last)]["window"]  # what the days share, each day has

    # the staging checks planned for each day of the run, as Dagster records them (a row per check and day)
    with instance.event_log_storage.index_connection() as conn:
        planned = conn.execute(
            db.text(
                "SELECT check_name, partition FROM asset_check_executions WHERE run_id = :run AND asset_key = :key"
            ),
            {"run": result.run_id, "key": AIR.to_string()},
        ).fetchall()
    per_check = Counter(name for name, day in planned if day is not None)
    assert {day for _, day in planned if day} == set(map(str, DAYS)) and set(per_check.values()) == {len(DAYS)}
