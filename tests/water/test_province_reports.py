"""Both provinces' monitoring centres report the same border section and times and disagree: both reports are
kept, the dispute is flagged, the statistics use the documented choice (the downstream province's report) whatever
the order the files arrive in, re-ingesting either file adds nothing, and a river alert says the classes differ."""

import datetime as dt

import duckdb
import pytest

from assets.alerts.evaluate import evaluate_day
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.rules_config import load_rules
from assets.sql_models.models import discover_seeds, load_seed
from assets.water.landing import process_water_file
from assets.water.report_choice import preferred_provinces
from assets.water.sections import load_sections
from tests.water.marts_harness import rebuild
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

SECTIONS = load_sections()
DAY = dt.date(2026, 11, 3)
NOW = dt.datetime(2026, 11, 5, 9, 0)
TIMES = [dt.datetime.combine(DAY, dt.time(0)) + dt.timedelta(hours=h) for h in (4, 8, 12, 16, 20, 24)]
HEADER = "省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),溶解氧(mg/L),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L)"


def centre_file(path, province: str, tp: float, nh3: float, stated: str):
    """濑溪河 泸县入境(川渝界) (LXH05, the first Sichuan section after the border, target III) as one province's
    centre reports it; values move a little from reading to reading, as real ones do."""
    lines = [HEADER] + [
        f"{province},长江流域,濑溪河 泸县入境(川渝界),{t:%Y-%m-%d %H:%M},{stated},16.{i},7.6,7.9,3.{i},"
        f"{nh3 + 0.01 * i:.3f},{tp + 0.004 * i:.3f}"
        for i, t in enumerate(TIMES)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    return path


@pytest.fixture
def files(tmp_path):
    # 四川: TP 0.22-0.24 -> class IV; 重庆: TP 0.33-0.35 -> class V, and NH3-N 50 % higher
    return {
        "四川": lambda name="四川省_濑溪河_20261103.csv": centre_file(tmp_path / name, "四川省", 0.22, 0.40, "Ⅳ"),
        "重庆": lambda name="重庆市_濑溪河_20261103.csv": centre_file(tmp_path / name, "重庆市", 0.33, 0.60, "Ⅴ"),
    }


def ingest(data_dir, path):
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        return process_water_file(con, path, paths, SECTIONS, NOW)


def counts(con) -> dict:
    tables = (
        "staging.water_readings",
        "staging.water_province_reports",
        "staging.water_value_flags",
        "quarantine.rejected_rows",
        "meta.batches",
    )
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def build_marts(data_dir) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(DataPaths(data_dir).warehouse))
    for seed in discover_seeds():  # the river alerts look at the areas and the stations too
        load_seed(con, seed)
    con.register("_s", SECTIONS.to_arrow())
    con.execute("CREATE OR REPLACE TABLE seeds.water_sections AS SELECT * FROM _s")
    rebuild(con)
    return con


def test_the_rule_prefers_the_downstream_provinces_report():
    preferred = preferred_provinces(SECTIONS)
    assert preferred["LXH05"] == "四川"  # first section after the border, in Sichuan
    assert preferred["LXH04"] == "四川"  # last Chongqing section before it: the river flows into Sichuan
    assert preferred["LXH01"] == "重庆"  # inside Chongqing


@pytest.mark.parametrize("order", [("重庆", "四川"), ("四川", "重庆")])
def test_both_reports_are_kept_the_statistics_use_the_downstream_province_and_reingesting_adds_nothing(
    data_dir, files, order
):
    first, second = (ingest(data_dir, files[p]()) for p in order)
    assert first.status == second.status == "loaded"
    assert (first.reports_only, second.reports_only) == ((0, 0) if order[0] == "重庆" else (0, 6))
    with write_connection(DataPaths(data_dir).warehouse) as con:
        reports = fetch_polars(
            con,
            "SELECT reporting_province, count(*) AS n, max(total_phosphorus) AS tp "
            "FROM staging.water_province_reports GROUP BY 1 ORDER BY 1",
        )
        assert reports.rows() == [("四川", 6, 0.24), ("重庆", 6, 0.35)]  # both kept, in the catalog's spelling
        staged = fetch_polars(con, "SELECT * FROM staging.water_readings ORDER BY ts")
        assert staged.height == 6 and staged["total_phosphorus"].to_list() == [0.22, 0.224, 0.228, 0.232, 0.236, 0.24]
        if order[0] == "重庆":  # 重庆's readings were staged first, then set aside for 四川's: kept with the reason
            moved = fetch_polars(con, "SELECT reasons FROM quarantine.rejected_rows")["reasons"].to_list()
            assert len(moved) == 6 and all(
                "this report of 重庆 stays in staging.water_province_reports" in r for r in moved
            )
        before = counts(con)
    for province in order:  # the same content again, under another name: a duplicate, nothing loaded
        again = ingest(data_dir, files[province](f"again_{province}.csv"))
        assert again.status == "duplicate"
    with write_connection(DataPaths(data_dir).warehouse) as con:
        assert counts(con) == before


def test_the_dispute_is_flagged_and_the_statistics_use_the_choice(data_dir, files):
    ingest(data_dir, files["重庆"]())
    ingest(data_dir, files["四川"]())
    con = build_marts(data_dir)
    try:
        pairs = fetch_polars(con, "SELECT * FROM marts.water_report_comparison ORDER BY ts")
        assert pairs.height == 6
        first = pairs.row(0, named=True)
        assert (first["used_province"], first["province_a"], first["province_b"]) == ("四川", "四川", "重庆")
        assert (first["class_a"], first["class_b"], first["class_differs"], first["disputed"]) == (
            "IV",
            "V",
            True,
            True,
        )
        # the files' Roman numerals (Ⅳ, Ⅴ) read as the catalog spells classes
        assert (first["reported_class_a"], first["reported_class_b"]) == ("IV", "V")
        assert set(first["disputed_parameters"]) == {"总磷", "氨氮"}  # beyond 20 % and their floors
        params = fetch_polars(
            con,
            "SELECT parameter, difference, tolerance, disputed FROM marts.water_report_parameters "
            "WHERE ts = ? ORDER BY parameter",
            [TIMES[0]],
        )
        row = {r["parameter"]: r for r in params.iter_rows(named=True)}
        assert row["total_phosphorus"]["difference"] == pytest.approx(0.11)
        assert row["total_phosphorus"]["tolerance"] == pytest.approx(0.2 * (0.22 + 0.33) / 2)
        assert not row["ph"]["disputed"] and not row["water_temp"]["disputed"]  # the same values on both sides
        # the statistics: one value per section and time, 四川's (class IV, not 重庆's V)
        classes = fetch_polars(
            con, "SELECT DISTINCT water_class FROM marts.water_reading_class WHERE section_code = 'LXH05'"
        )
        assert classes["water_class"].to_list() == ["IV"]
        assert fetch_polars(con, "SELECT water_class FROM marts.water_section_daily WHERE section_code = 'LXH05'")[
            "water_class"
        ].to_list() == ["IV"]
    finally:
        con.close()


def test_the_river_alert_says_that_the_two_sides_classes_differ(data_dir, files):
    ingest(data_dir, files["重庆"]())
    ingest(data_dir, files["四川"]())
    build_marts(data_dir).close()
    with write_connection(DataPaths(data_dir).warehouse) as con:
        ev = evaluate_day(con, DAY, load_rules(), load_contacts(), NOW)
        alert = next(c for c in ev.candidates if c.kind == "river_exceedance" and c.subject == "LXH05")
        assert "两省报告类别不一致" in alert.summary_zh and "四川 IV类，重庆 V类" in alert.summary_zh
        assert "本预警采用四川的数据" in alert.summary_zh and "differ in class" in alert.summary_en
        bodies = fetch_polars(con, "SELECT body_text FROM alerts.messages")["body_text"].to_list()
        assert any("两省报告类别不一致" in b for b in bodies)  # in the e-mail itself


@pytest.mark.pipeline
@pytest.mark.subprocess
def test_through_envmon_ingest_the_marts_and_the_alert_e_mail_follow(data_dir, files):
    from pipelines.cli import main as envmon

    assert envmon(["run", "--start", str(DAY - dt.timedelta(days=1)), "--end", str(DAY)]) == 0
    assert envmon(["ingest", str(files["重庆"]())]) == 0
    assert envmon(["ingest", str(files["四川"]())]) == 0
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        pairs = fetch_polars(con, "SELECT used_province, class_a, class_b, disputed FROM marts.water_report_comparison")
        assert pairs.rows() == [("四川", "IV", "V", True)] * 6
        body = fetch_polars(
            con,
            "SELECT m.body_text FROM alerts.messages m JOIN alerts.notifications n USING (message_id) "
            "WHERE n.subject = 'LXH05' AND n.kind = 'river_exceedance'",
        )["body_text"].to_list()
        assert body and "两省报告类别不一致" in body[-1] and "四川 IV类，重庆 V类" in body[-1]
        before = counts(con)
    finally:
        con.close()
    assert envmon(["ingest", str(files["重庆"]("重庆_again.csv"))]) == 0  # a duplicate: nothing added
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        assert counts(con) == before
    finally:
        con.close()
