"""A monthly report holds its month only (issue 24: `report --month 2026-10` over October to December said
months_assessed 3 and worst_month 2026-12-01 in csv/water_border.csv). Three months are built (air statistics,
water section months, alerts, an exceptional event across the month's end); every CSV of the first month's report
is read back and every date in it checked."""

import datetime as dt

import polars as pl

from assets.alerts.rules.lifecycle import apply_day
from assets.reports.build import build_report
from assets.reports.period import ReportPeriod
from assets.sql_models.models import build_model, discover_models, load_seed
from tests.reports.daily_fixture import build_statistics, daily_rows, month_days
from tests.reports.test_water_compliance import SECTIONS, _monthly
from tests.test_alerts_lifecycle import KINDS, NOW, warn
from warehouse.schema import ensure_schema

OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
REPORT = ReportPeriod.month(2026, 10)
# columns that are not days of the data: when an exceptional event was approved (it may be after the period)
NOT_DATA_DAYS = {("exceptional_events", "approved_on")}


def three_months():
    days = [d for m in (10, 11, 12) for d in month_days(2026, m)]
    con = build_statistics(
        pl.concat(
            [
                daily_rows("S1", days, area="自贡", province="四川", aqi=80),
                daily_rows("S2", days, area="荣昌", province="重庆", aqi=120, pm25=50.0),
            ]
        )
    )
    ensure_schema(con)  # alerts.*, meta.*
    # the water marts: the border section B1 is class IV in October, 劣V in December
    con.register("_sections", SECTIONS.to_arrow())
    con.execute("CREATE TABLE seeds.water_sections AS SELECT * FROM _sections")
    monthly = _monthly(
        [
            (code, m, cls, None if cls in ("II", "III") else ["total_phosphorus"])
            for code, cls in SECTION_CLASSES
            for m in (OCT, NOV)
        ]
        + [("A2", DEC, "III", None), ("B1", DEC, "劣V", ["total_phosphorus"])]
    )
    con.register("_monthly", monthly.to_arrow())
    con.execute("CREATE TABLE marts.water_section_monthly AS SELECT * FROM _monthly")
    for seed in ("water_river_status", "water_classes", "water_parameters"):
        load_seed(con, seed)
    con.execute(
        "CREATE TABLE intermediate.water_period_class (subject VARCHAR, period VARCHAR, period_start TIMESTAMP, "
        "first_day DATE, last_day DATE, water_class VARCHAR, class_rank INT, status_zh VARCHAR, "
        "main_pollutants VARCHAR[], missing_parameters VARCHAR[])"
    )
    models = {m.table: m for m in discover_models()}
    for table in (
        "water_river_monthly",
        "water_province_monthly",
        "water_compliance_monthly",
        "water_border_scorecard",
    ):
        build_model(con, models[f"marts.{table}"])
    # alerts: one issued in October and lifted in November, one issued in December
    apply_day(con, dt.date(2026, 10, 30), [warn("orange")], KINDS, NOW)
    apply_day(con, dt.date(2026, 10, 31), [warn("orange")], KINDS, NOW)
    apply_day(con, dt.date(2026, 11, 1), [], KINDS, NOW)
    apply_day(con, dt.date(2026, 12, 5), [warn("red", "荣昌")], KINDS, NOW)
    con.execute(
        "INSERT INTO seeds.air_exceptional_events VALUES ('EE-2026-001', 'area', '荣昌', DATE '2026-10-30', "
        "DATE '2026-11-02', 'all', 'fireworks', '烟花', '荣昌区生态环境局', DATE '2026-11-10', '')"
    )
    return con


SECTION_CLASSES = [("A1", "II"), ("A2", "III"), ("B1", "IV"), ("B2", "III")]


def test_every_csv_of_the_first_months_report_holds_only_that_month(tmp_path):
    out = build_report(three_months(), REPORT, tmp_path / "reports")
    assert {p.stem for p in out.csvs} >= {"water_border", "water_border_ytd", "alerts", "air_area_daily"}
    checked = 0
    for path in out.csvs:
        frame = pl.read_csv(path, try_parse_dates=True)
        # year-to-date tables (named *_ytd, titled 1–M月累计) run from January 1st, never past the month
        first = REPORT.year_start if path.stem.endswith("_ytd") else REPORT.start
        for column, dtype in frame.schema.items():
            if dtype not in (pl.Date, pl.Datetime) or (path.stem, column) in NOT_DATA_DAYS:
                continue
            days = frame[column].drop_nulls().cast(pl.Date)
            outside = days.filter((days < first) | (days > REPORT.end)).to_list()
            assert outside == [], f"{path.name}, column {column}: {outside} outside {first} .. {REPORT.end}"
            checked += days.len()
    assert checked > 0

    border = pl.read_csv(out.folder / "csv" / "water_border.csv", try_parse_dates=True)
    b1 = border.filter(pl.col("section_code") == "B1").row(0, named=True)
    assert (b1["months_assessed"], b1["worst_class"], b1["worst_month"]) == (1, "IV", OCT)
    alerts = pl.read_csv(out.folder / "csv" / "alerts.csv", try_parse_dates=True)
    # October's alert as it stood at the end of October (its lift on November 1st is November's), December's absent
    assert alerts.select("subject", "status", "level", "first_seen", "last_seen").rows() == [
        ("自贡", "active", "orange", dt.date(2026, 10, 30), dt.date(2026, 10, 31))
    ]
    events = pl.read_csv(out.folder / "csv" / "exceptional_events.csv", try_parse_dates=True)
    assert events.select("first_day", "last_day").row(0) == (dt.date(2026, 10, 30), dt.date(2026, 10, 31))
    page = out.html.read_text(encoding="utf-8")
    assert "跨界断面考核 1–10月累计" in page and "1–10月累计" in page
