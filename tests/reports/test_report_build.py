"""The report builder on hand-made statistics: the annual report, the period labels, a deployment without water."""

import datetime as dt

import openpyxl
import polars as pl
import pytest

from assets.reports.build import build_report
from assets.reports.period import ReportPeriod
from tests.reports.daily_fixture import build_statistics, daily_rows, month_days


def test_period_labels_are_the_partition_keys():
    assert ReportPeriod.parse("2026-02") == ReportPeriod("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert ReportPeriod.parse("2024") == ReportPeriod("year", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert ReportPeriod.parse("2024-02").end == dt.date(2024, 2, 29)
    for bad in ("2026-13", "26-01", "2026/01", ""):
        with pytest.raises(ValueError, match="report period"):
            ReportPeriod.parse(bad)


def test_annual_report_has_the_year_calendar_and_says_what_is_not_built(tmp_path):
    days = [d for m in range(1, 13) for d in month_days(2026, m, 28)]
    station = pl.concat(
        [
            daily_rows("S1", days, area="自贡", province="四川", aqi=80),
            daily_rows("S2", days, area="荣昌", province="重庆", aqi=120, pm25=50.0),
        ]
    )
    con = build_statistics(station)
    out = build_report(con, ReportPeriod.year(2026), tmp_path / "reports")
    assert out.html == tmp_path / "reports" / "2026" / "envmon_report_2026.html"
    assert set(out.charts) == {"aqi_calendar", "pm25_trend", "o3_trend", "good_days", "composite_index"}
    page = out.html.read_text(encoding="utf-8")
    assert page.count("<img ") == 5 and "川南渝西环境质量联合年报 2026年" in page
    index = out.tables.tables["composite_index"]  # 28 days a month pass capture: both areas ranked
    assert index.select("rank", "area").rows() == [(1, "自贡"), (2, "荣昌")]  # PM2.5 30 vs 50
    assert "marts.water_compliance_monthly" in page  # the water section says it is not built here, no crash
    assert "air_area_ytd" not in out.tables.tables  # the year to date belongs to the monthly report
    annual = out.tables.tables["air_area"].sort("area")
    assert annual.height == 2
    assert annual.filter(pl.col("area") == "荣昌")["attain_pm25"].item() is False  # 50 > 30 (2026 transition)
    assert annual.filter(pl.col("area") == "自贡")["good_days_ratio"].item() == 100.0
    book = openpyxl.load_workbook(out.xlsx, read_only=True)
    assert sorted(book.sheetnames) == sorted(out.tables.tables)


def test_report_mail_goes_to_the_joint_office_once_and_fails_loudly_without_one(tmp_path):
    from assets.alerts.notify.contacts import EXAMPLE_FILE
    from assets.reports.mail import queue_report_mail
    from warehouse.schema import ensure_schema

    con = build_statistics(daily_rows("S1", month_days(2026, 1)))
    ensure_schema(con)  # alerts.messages / alerts.deliveries
    out = build_report(con, ReportPeriod.month(2026, 1), tmp_path / "reports")
    assert queue_report_mail(con, out, EXAMPLE_FILE) == 1  # the example contacts file has one joint-office address
    assert queue_report_mail(con, out, EXAMPLE_FILE) == 0  # same data: nothing new
    subject, attachments = con.execute(
        "SELECT subject, json_extract_string(attachments, '$[*].filename') FROM alerts.messages"
    ).fetchall()[0]
    assert "2026年1月" in subject and sorted(attachments) == [
        "envmon_report_2026-01.html",
        "envmon_report_2026-01.xlsx",
    ]

    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "contacts:\n  - {role: area_air_office, area: 自贡, name: 自贡, email: air.zigong@example.cn, language: zh}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="joint_office"):  # the report is never silently left unsent
        queue_report_mail(con, out, contacts)
