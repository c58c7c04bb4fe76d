"""Water in the daily job, the demo window's non-compliance, and `envmon ingest` through the file job."""

import datetime as dt

import duckdb
import pytest

from assets.water.generator import WaterGeneratorConfig, generate_water_day
from assets.water.ingest import ingest_water_day
from assets.water.sections import load_sections
from assets.water.sources import WaterSourceOptions, generator_source
from pipelines.cli import main as envmon
from tests.pipeline_runs import day_range, run_days
from tests.water.marts_harness import build_water_marts, query, rebuild
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]


def test_daily_job_includes_water(data_dir):
    run_days(data_dir, day_range("2026-11-20", 1))
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        assert con.execute("SELECT count(DISTINCT section_code) FROM staging.water_readings").fetchall()[0][0] == 25
        daily = con.sql("SELECT * FROM marts.water_section_daily WHERE day = DATE '2026-11-20'").pl()
        assert daily.height == 25 and daily["water_class"].null_count() == 0
        assert con.execute("SELECT count(*) FROM marts.water_border_crossings").fetchall()[0][0] >= 6
    finally:
        con.close()


def test_default_window_demo_data_has_a_section_out_of_compliance(tmp_path):
    """The 14 days ending yesterday (today is 2026-11-28), default seed and fault rate, as `make run` makes them."""
    sections = load_sections()
    con = build_water_marts(tmp_path / "w.duckdb", [])
    now = dt.datetime(2026, 11, 28, 9)
    for day in day_range("2026-11-14", 14):
        batch = generator_source(day, sections, WaterSourceOptions())
        ingest_water_day(con, tmp_path / "raw", "generator", day, batch, sections["section_code"], now)
    rebuild(con)
    bad = query(
        con, "SELECT section_code, day, water_class, target_class FROM marts.water_section_daily WHERE NOT compliant"
    )
    assert bad.height >= 1
    assert bad["section_code"].n_unique() >= 1
    assert bad.height < 0.25 * 25 * 14  # exceedances are episodes, not the rule


def test_generator_is_deterministic_and_incidents_travel_downstream():
    sections = load_sections()
    day = dt.date(2026, 11, 20)
    a, fa = generate_water_day(sections, day, WaterGeneratorConfig(seed=5))
    b, fb = generate_water_day(sections, day, WaterGeneratorConfig(seed=5))
    assert a.equals(b) and fa.equals(fb)
    clean, _ = generate_water_day(sections, day, WaterGeneratorConfig(seed=5, fault_rate=0))
    assert sorted(clean["ts"].dt.hour().unique()) == [0, 4, 8, 12, 16, 20] and clean.height == 25 * 6
    assert (clean["ammonia_nitrogen"] < clean["total_nitrogen"]).all()


def test_envmon_ingest_loads_a_file_through_the_file_job(tmp_path, data_dir, capsys):
    path = tmp_path / "水质_2026-11-27.csv"
    path.write_text("断面名称,监测时间,溶解氧(mg/L),总磷(mg/L)\n濑溪河 荣昌城区,11-27 04:00,4.2,0.31\n", encoding="gbk")
    assert envmon(["ingest", str(path)]) == 0
    assert path.exists()  # the operator's original stays; the landing copy is archived
    assert list((DataPaths(data_dir).archive / "water").rglob("*.csv"))
    assert not list((DataPaths(data_dir).landing / "water").glob("*.csv"))
    # a day the pipeline has not built yet: staged now, in the marts with that day's daily run
    assert "days not built yet: 2026-11-27" in capsys.readouterr().out
    assert envmon(["run", "--start", "2026-11-27", "--end", "2026-11-27"]) == 0
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        row = (
            con.sql(
                "SELECT * FROM marts.water_reading_class WHERE section_code = 'LXH03' AND ts = "
                "TIMESTAMP '2026-11-27 04:00'"
            )
            .pl()
            .row(0, named=True)
        )
    finally:
        con.close()
    assert row["water_class"] == "V"  # the file's reading, not the daily feed's
