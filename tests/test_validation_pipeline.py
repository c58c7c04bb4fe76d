"""Validation in real Dagster runs: the blocking check stops downstream assets; flags reach the valid view."""

import dagster as dg
import pytest

from assets.resources import resources_for
from pipelines.definitions import all_assets
from warehouse.connection import read_connection
from warehouse.paths import DataPaths

pytestmark = pytest.mark.pipeline

AIR = dg.AssetKey(["staging", "air_hourly"])
VALID = dg.AssetKey(["intermediate", "air_hourly_valid"])
# the SQL models are one step that builds all of them, the river models too: their section catalog is needed (without
# it the step fails at the first river model, and whether air_hourly_valid was built first hung on the build order)
CATALOGS = {dg.AssetKey(["seeds", "stations"]), dg.AssetKey(["seeds", "water_sections"])}
NEEDED = {AIR, VALID, dg.AssetKey(["seeds", "quality_flags"]), *CATALOGS}
SELECTED = [a for a in all_assets if set(a.keys) & NEEDED]


def run(data_dir, **settings):
    return dg.materialize(
        SELECTED,
        partition_key="2026-01-14",
        resources=resources_for(str(data_dir), **settings),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def check(result, name):
    return next(e for e in result.get_asset_check_evaluations() if e.check_name == name)


def materialized(result):
    return {e.asset_key for e in result.get_asset_materialization_events()}


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("good") / "data"
    return data_dir, run(data_dir, generator_fault_rate=0.03)


def test_blocking_check_stops_downstream_materialisation(data_dir):
    # every duplicate is quarantined, so any rejected row is above a 0 % threshold
    result = run(data_dir, generator_fault_rate=0.03, max_rejected_share=0.0)
    usable = check(result, "batch_usable")
    assert not usable.passed and "> ENVMON_MAX_REJECTED_SHARE 0%" in usable.description
    assert AIR in materialized(result) and VALID not in materialized(result)
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert "staging__air_hourly" in started and "intermediate__air_hourly_valid" not in started
    assert not result.success  # the run shows the failure to the operator


def test_usable_batch_passes_and_downstream_runs(good_run):
    data_dir, result = good_run
    assert check(result, "batch_usable").passed
    assert VALID in materialized(result)
    meta = result.asset_materializations_for_node("staging__air_hourly")[0].metadata
    docs = meta["data_docs"].value
    assert docs == str(DataPaths(data_dir.resolve()).data_docs / "index.html")
    assert (DataPaths(data_dir.resolve()).data_docs / "index.html").exists()
    assert meta["gx_expectations_failed"].value >= 1  # duplicates and out-of-range values are in the record


def test_capture_warning_names_stations_and_days(good_run):
    _, result = good_run
    capture = check(result, "data_capture_gb3095")
    assert capture.severity == dg.AssetCheckSeverity.WARN
    if not capture.passed:
        assert "2026-01-14" in capture.description and "worst_stations" in capture.metadata


def test_flagged_values_are_null_in_the_valid_view_and_kept_in_staging(good_run):
    data_dir, _ = good_run
    with read_connection(DataPaths(data_dir.resolve()).warehouse) as con:
        rows = con.sql("""
            SELECT f.flag_code, f.pollutant, h.pm25, h.so2, h.co, v.pm25 AS v_pm25, v.so2 AS v_so2, v.co AS v_co
            FROM staging.air_value_flags f
            JOIN seeds.quality_flags q ON q.flag_code = f.flag_code AND q.invalidates
            JOIN staging.air_hourly h USING (station_code, ts)
            JOIN intermediate.air_hourly_valid v USING (station_code, ts)
            WHERE f.pollutant IN ('pm25', 'so2', 'co')""").fetchall()
        reasons = con.sql("SELECT DISTINCT reasons FROM quarantine.rejected_rows").fetchall()
    assert rows
    for code, pollutant, *values in rows:
        staged, valid = dict(zip(("pm25", "so2", "co"), values[:3])), dict(zip(("pm25", "so2", "co"), values[3:]))
        assert staged[pollutant] is not None and valid[pollutant] is None, (code, pollutant)
    assert all(r[0].startswith("expect_") for r in reasons)
