"""The report jobs: month/year partitions in CST, schedules for the previous month (day 2, 09:00) and year (3 Jan)."""

import datetime as dt

import dagster as dg

from pipelines.definitions import defs

CST = dt.timezone(dt.timedelta(hours=8))


def _partition_keys(schedule_name: str, when: dt.datetime) -> list[str]:
    schedule = defs.resolve_schedule_def(schedule_name)
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def())
    return [r.partition_key for r in schedule.evaluate_tick(context).run_requests or []]


def test_monthly_report_on_day_2_at_nine_for_the_previous_month():
    schedule = defs.resolve_schedule_def("monthly_report_schedule")
    assert schedule.cron_schedule == "0 9 2 * *" and schedule.execution_timezone == "Asia/Shanghai"
    assert _partition_keys("monthly_report_schedule", dt.datetime(2026, 12, 2, 9, tzinfo=CST)) == ["2026-11"]
    assert _partition_keys("monthly_report_schedule", dt.datetime(2027, 1, 2, 9, tzinfo=CST)) == ["2026-12"]


def test_annual_report_on_3_january_for_the_previous_year():
    schedule = defs.resolve_schedule_def("annual_report_schedule")
    assert schedule.cron_schedule == "0 9 3 1 *" and schedule.execution_timezone == "Asia/Shanghai"
    assert _partition_keys("annual_report_schedule", dt.datetime(2027, 1, 3, 9, tzinfo=CST)) == ["2026"]


def test_any_past_month_and_year_is_a_partition_and_the_daily_job_leaves_reports_out():
    monthly = defs.resolve_job_def("monthly_report_job").partitions_def
    yearly = defs.resolve_job_def("annual_report_job").partitions_def
    assert monthly.timezone == yearly.timezone == "Asia/Shanghai"
    now = dt.datetime(2026, 11, 28, tzinfo=CST)
    assert {"2023-01", "2026-03", "2026-10"} <= set(monthly.get_partition_keys(current_time=now))
    assert {"2023", "2025"} <= set(yearly.get_partition_keys(current_time=now))
    daily_keys = defs.resolve_job_def("daily_job").asset_layer.executable_asset_keys
    assert dg.AssetKey(["reports", "monthly_report"]) not in daily_keys
    assert dg.AssetKey(["marts", "air_area_annual"]) in daily_keys
