"""The joint monthly and annual reports as partitioned Dagster assets: any past month or year can be rebuilt."""

import base64

import dagster as dg

from assets.alerts.dispatch import delivery_pass
from assets.alerts.mail.transport import SmtpSettings
from assets.metadata import markdown_table
from assets.partitions import WRITER_POOL
from assets.reports.build import ReportOutput, build_report
from assets.reports.mail import queue_report_mail
from assets.reports.period import ReportPeriod
from assets.resources import WarehouseResource
from assets.settings import AlertSettings, EnvmonSettings
from assets.sql_models.tables import deps_of
from status_page.build import refresh_after_publish
from warehouse.snapshot import ALERT_TABLES, publish_snapshot

REPORT_START = "2023-01"  # the first month of the real national archive data

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=REPORT_START, fmt="%Y-%m", timezone="Asia/Shanghai")
yearly_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *", start=REPORT_START[:4], fmt="%Y", timezone="Asia/Shanghai"
)

# The marts the report reads (their models are the asset's upstream).
SOURCES = (
    "marts.air_area_daily",
    "marts.air_area_monthly",
    "marts.air_area_annual",
    "marts.air_area_ytd",
    "marts.air_station_monthly",
    "marts.air_station_annual",
    "marts.air_region_stats",
    "marts.water_section_monthly",
    "marts.water_compliance_monthly",
    "marts.water_border_scorecard",
    "alerts.events",
    "alerts.ledger",  # the period's alerts; time to notify and to acknowledge
    # the joint assessment: composite index, exceptional events, both provinces' readings of the border
    "marts.air_composite_index",
    "marts.air_exceptional_attainment",
    "seeds.air_exceptional_events",
    "marts.air_border_pairs",
    "marts.water_report_comparison",
)
SEEDS = ("areas", "aqi_levels", "air_quality_limits", "water_classes")  # chart labels, colours, limit lines
_deps = deps_of([*SOURCES, *(f"seeds.{name}" for name in SEEDS)], __file__)


def _metadata(out: ReportOutput, queued: int, delivery) -> dict:
    charts = "\n\n".join(
        f"**{caption}**\n\n![{name}](data:image/png;base64,{base64.b64encode(png).decode()})"
        for name, (caption, png) in out.charts.items()
    )
    counts = {name: frame.height for name, frame in out.tables.tables.items()}
    area = out.tables.tables.get("air_area")
    return {
        "html": dg.MetadataValue.path(str(out.html)),
        "xlsx": dg.MetadataValue.path(str(out.xlsx)),
        "csv_folder": dg.MetadataValue.path(str(out.folder / "csv")),
        "tables": dg.MetadataValue.json(counts),
        "not_built_here": dg.MetadataValue.json(out.tables.missing),
        "emails_queued": queued,
        "emails_sent": delivery.sent,  # the delivery pass of this run (the sensor retries what is left)
        "emails_retrying": delivery.retrying,
        "charts": dg.MetadataValue.md(charts or "no chart: no data for this period"),
        "air_by_area": dg.MetadataValue.md(markdown_table(area) if area is not None else "no data"),
    }


def _report_asset(name: str, partitions: dg.PartitionsDefinition, what: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["reports", name],
        group_name="reports",
        partitions_def=partitions,
        deps=_deps,
        pool=WRITER_POOL,
        kinds={"html", "xlsx"},
        description=(
            f"The joint {what} report (HJ 663 air statistics, GB 3838 water compliance, alerts): one self-contained "
            "HTML with charts, every table as CSV and XLSX, under <data>/reports/<period>/; e-mailed to the joint "
            "office through the alert delivery queue, with a delivery pass in the same run."
        ),
    )
    def _report(
        context: dg.AssetExecutionContext,
        settings: dg.ResourceParam[EnvmonSettings],
        alerting: dg.ResourceParam[AlertSettings],
        mail: dg.ResourceParam[SmtpSettings],
        warehouse: WarehouseResource,
    ) -> dg.MaterializeResult:
        period = ReportPeriod.parse(context.partition_key)
        with warehouse.connect() as con:
            out = build_report(con, period, settings.paths.reports)
            queued = queue_report_mail(con, out, alerting.contacts)
        for table, source in out.tables.missing.items():
            context.log.warning(f"report {period.label}: table {table} left out, {source} is not built here")
        # the report goes out with the run that builds it (the delivery sensor retries what fails)
        passed = delivery_pass(warehouse.connect, alerting, mail, settings.paths.outbox)
        delivery = passed.delivery
        for error in delivery.errors[:5]:
            context.log.warning(f"report {period.label}: e-mail not sent yet: {error}")
        if passed.changed:  # staff see the queue in the snapshot, and the status page who was told
            publish_snapshot(settings.paths.warehouse, settings.paths.snapshot, verify=ALERT_TABLES)
            refresh_after_publish(
                settings.paths.snapshot, settings.paths.status_page, settings.paths.reports, context.log.warning
            )
        return dg.MaterializeResult(metadata=_metadata(out, queued, delivery))

    return _report


monthly_report = _report_asset("monthly_report", monthly_partitions, "monthly")
annual_report = _report_asset("annual_report", yearly_partitions, "annual")
report_assets = [monthly_report, annual_report]
