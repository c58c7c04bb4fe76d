"""Model contracts: every mart and intermediate model documents its columns and is tested after each build; a
name that resolves to nothing stops the definitions from loading; a duplicate key fails a blocking check."""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.sql_models.assets import MODELS
from assets.sql_models.build import models_in_order
from assets.sql_models.contracts import Contract, contract_tests, run_tests
from assets.sql_models.model_checks import check_results, check_specs
from assets.sql_models.models import SqlModel, build_model, discover_seeds, load_seed
from pipelines.definitions import defs
from tests.pipeline_runs import day_range, jobs_for, run_windows
from warehouse.connection import write_connection
from warehouse.paths import DataPaths
from warehouse.schema import ensure_schema

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

PROJECT = Path(__file__).resolve().parents[1]
DAY = dt.date(2026, 6, 2)


def test_every_mart_and_intermediate_model_has_a_contract_and_asset_checks():
    graph = defs.resolve_asset_graph()
    for key, model in MODELS.items():
        assert model.contract is not None, f"{model.path}: no contract ({model.path.with_suffix('.yml').name})"
        checks = {k.name for k in graph.get_check_keys_for_assets({key})}
        assert checks == {"contract"}, key
        assert model.contract.key, key  # its key: one row per key, no NULL in it (blocking)
        assert all(model.contract.columns.values()), key  # one line each, here or in _columns.yml


def test_the_contracts_list_exactly_the_columns_the_models_build(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    for seed in discover_seeds():
        load_seed(con, seed)
    for model in models_in_order():
        build_model(con, model)  # on empty staging: the columns without the rows
        built = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                "ORDER BY column_index",
                [model.schema, model.name],
            ).fetchall()
        ]
        assert built == list(model.contract.columns), f"{model.contract.path} lists other columns than the model builds"


def test_contract_tests_find_duplicates_nulls_unknown_values_and_orphans(tmp_path):
    con = duckdb.connect()
    con.execute(
        "CREATE SCHEMA seeds; CREATE TABLE seeds.stations AS SELECT * FROM (VALUES ('1001A'), ('1002A')) t(code)"
    )
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES ('1001A', DATE '2026-06-01', '优'),"
        " ('1001A', DATE '2026-06-01', '优'), (NULL, DATE '2026-06-01', '良'), ('9999Z', DATE '2026-06-02', '坏'))"
        " v(station_code, day, category_zh)"
    )
    contract = Contract(
        tmp_path / "t.yml",
        {"station_code": "s", "day": "d", "category_zh": "c"},
        key=("station_code", "day"),
        accepted_values={"category_zh": ("优", "良")},
        relationships={"station_code": "seeds.stations.code"},
    )
    failing = run_tests(con, contract_tests(contract), "t")
    assert failing["unique_key"] == (1, [{"station_code": "1001A", "day": dt.date(2026, 6, 1), "rows": 2}])
    assert failing["not_null_key"][0] == 1
    assert failing["accepted_values"] == (1, [{"column_name": "category_zh", "value": "坏"}])
    assert failing["relationships"] == (1, [{"column_name": "station_code", "value": "9999Z"}])
    only_day2 = run_tests(con, contract_tests(contract), "t", "day = DATE '2026-06-02'")
    assert only_day2["unique_key"] == only_day2["not_null_key"] == (0, [])  # a window judges its own rows


def test_the_contract_check_is_an_error_for_a_key_test_and_a_warning_for_the_others(tmp_path):
    con = duckdb.connect()
    con.execute(
        "CREATE SCHEMA m; CREATE TABLE m.t AS SELECT * FROM (VALUES ('1001A', '优'), ('1002A', '坏')) v(code, c)"
    )
    contract = Contract(tmp_path / "t.yml", {"code": "s", "c": "c"}, key=("code",), accepted_values={"c": ("优", "良")})
    model = SqlModel("m", "t", tmp_path / "t.sql", "", "", "table", (), contract=contract)
    key = dg.AssetKey(["m", "t"])
    (spec,) = check_specs(key, model)
    (warned,) = check_results(con, key, model, {spec.key})
    assert not warned.passed and warned.severity == dg.AssetCheckSeverity.WARN  # what reads it is built
    assert warned.metadata["accepted_values"].value == 1 and warned.metadata["unique_key"].value == 0

    con.execute("INSERT INTO m.t VALUES ('1001A', '良')")  # and now a key twice
    (failed,) = check_results(con, key, model, {spec.key})
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR  # what reads it waits
    assert failed.description.startswith("1 failing: one row per code; 1 failing: values in their sets")
    assert check_results(con, key, model, set()) == []  # not selected: not evaluated


def test_a_model_reading_a_table_that_does_not_exist_stops_the_definitions_loading(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in tracked.splitlines():
        if (PROJECT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, tmp_path / name)
    bad = tmp_path / "dbt_like_sql" / "marts" / "air_station_weekly.sql"
    bad.write_text(
        "-- A misspelt input.\n-- partitioned: day\nSELECT * FROM marts.air_station_dayly\n", encoding="utf-8"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", "import pipelines.definitions"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=120,
    )
    assert loaded.returncode != 0
    assert "dbt_like_sql/marts/air_station_weekly.sql" in loaded.stderr and "marts.air_station_dayly" in loaded.stderr


@pytest.fixture(scope="module")
def one_day(tmp_path_factory):
    """One daily run of DAY (what the tests below used to run each for themselves, three identical runs): its
    result, its instance and its data folder, kept pristine; a test that writes works on a copy."""
    data_dir = tmp_path_factory.mktemp("one_day") / "data"
    with pytest.MonkeyPatch.context() as mp:  # as the data_dir fixture does for one test
        mp.setenv("ENVMON_DATA_DIR", str(data_dir))
        mp.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        instance = dg.DagsterInstance.ephemeral()
        (result,) = run_windows(data_dir, [day_range(str(DAY), 1)], instance, generator_fault_rate=0.0)
    return {"data_dir": data_dir, "instance": instance, "result": result}


def test_a_duplicate_key_in_a_mart_fails_its_blocking_check_and_holds_what_is_downstream(data_dir, one_day):
    shutil.copytree(one_day["data_dir"], data_dir)  # the built day, which this test breaks
    instance = one_day["instance"]  # the run's records: the re-run below follows it as it would in production
    with write_connection(DataPaths(data_dir).warehouse) as con:  # a station-day twice in the daily values
        con.execute(
            "INSERT INTO intermediate.air_station_daily_values "
            "SELECT * FROM intermediate.air_station_daily_values WHERE day = ? LIMIT 1",
            [DAY],
        )
    job = jobs_for(data_dir, generator_fault_rate=0.0).resolve_job_def("daily_job")
    mart, alerts = dg.AssetKey(["marts", "air_station_daily"]), dg.AssetKey(["alerts", "events"])
    assessed = dg.AssetKey(["intermediate", "air_daily_assessed"])  # reads the mart
    result = job.execute_in_process(
        instance=instance, partition_key=str(DAY), raise_on_error=False, asset_selection=[mart, assessed, alerts]
    )
    assert not result.success
    (check,) = [e for e in result.get_asset_check_evaluations() if e.asset_key == mart and e.check_name == "contract"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.description.startswith("1 failing: one row per")
    assert check.metadata["unique_key"].value == 1 and check.metadata["not_null_key"].value == 0
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert mart in built and assessed not in built and alerts not in built  # what reads it waits


@pytest.mark.parametrize("key", [["marts", "air_station_daily"], ["marts", "water_section_daily"]])
def test_the_columns_and_their_descriptions_reach_the_ui(one_day, key):
    (event,) = [e for e in one_day["result"].get_asset_materialization_events() if e.asset_key == dg.AssetKey(key)]
    schema = event.materialization.metadata["dagster/column_schema"].value
    described = {c.name: c.description for c in schema.columns}
    assert described == MODELS[dg.AssetKey(key)].contract.columns and all(described.values())


def test_region_stats_roll_up_the_regions_areas_only(tmp_path):
    """A wider catalog (the national one) brings areas that belong to no province of the region: they are in neither
    province's roll-up nor the region's, so the roll-up keeps a name for every row (its not-null key check)."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    for seed in discover_seeds():
        load_seed(con, seed)
    for model in models_in_order():
        if model.table == "marts.air_region_stats":
            break
        build_model(con, model)  # on empty staging: the columns without the rows
    period = {
        "basis": "all_days",
        "scope": "area",
        "period_kind": "month",
        "period_start": dt.date(2023, 1, 1),
        "period_end": dt.date(2023, 1, 31),
    }
    for area, province in (("自贡", "四川"), ("北京市", None)):
        row = {**period, "code": area, "area": area, "province": province}
        con.execute(
            f"INSERT INTO intermediate.air_period_stats BY NAME SELECT {', '.join('?' * len(row))}".replace(
                "?", "? AS {}"
            ).format(*row),
            list(row.values()),
        )
    build_model(con, MODELS[dg.AssetKey(["marts", "air_region_stats"])])
    rows = con.execute("SELECT scope, name, areas FROM marts.air_region_stats ORDER BY scope").fetchall()
    assert rows == [("province", "四川", 1), ("region", "川南渝西", 1)]
