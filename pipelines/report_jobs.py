"""Report jobs and schedules: the monthly report on day 2 at 09:00 for the previous month, the annual on 3 January.

Each job holds one partitioned asset (a job cannot mix partitions definitions), so any past month or year can be
rebuilt from the UI (backfill) or with ``envmon report``.
"""

import dagster as dg

from assets.reports.assets import annual_report, monthly_report
from pipelines.deployment import schedule_status

monthly_report_job = dg.define_asset_job(
    name="monthly_report_job",
    selection=dg.AssetSelection.assets(monthly_report),
    description="The joint monthly report of one month: HTML with charts, CSV/XLSX, e-mail to the joint office.",
)
annual_report_job = dg.define_asset_job(
    name="annual_report_job",
    selection=dg.AssetSelection.assets(annual_report),
    description="The joint annual report of one year: HTML with charts, CSV/XLSX, e-mail to the joint office.",
)

# Day 2 at 09:00 China Standard Time, for the month that has just ended (day 1 leaves the last day's data time to land).
monthly_report_schedule = dg.build_schedule_from_partitioned_job(
    monthly_report_job,
    name="monthly_report_schedule",
    day_of_month=2,
    hour_of_day=9,
    minute_of_hour=0,
    default_status=schedule_status(),
)


@dg.schedule(
    job=annual_report_job,
    cron_schedule="0 9 3 1 *",
    execution_timezone="Asia/Shanghai",
    default_status=schedule_status(),
    description="3 January 09:00 CST: the annual report of the year that has just ended.",
)
def annual_report_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year = context.scheduled_execution_time.year - 1
    return dg.RunRequest(partition_key=str(year))


report_jobs = [monthly_report_job, annual_report_job]
report_schedules = [monthly_report_schedule, annual_report_schedule]
