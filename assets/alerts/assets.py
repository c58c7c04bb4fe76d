"""Alert assets of the daily job: forecast input, rule evaluation with the lifecycle, one delivery pass.

A run over several days evaluates them in order (each day's lifecycle starts from the day before). Day D reads the
marts of D and the ``LOOKBACK_DAYS`` before it (an episode, the river medians), so a change of day D re-evaluates
D and the days after it that look back to it.
"""

import datetime as dt
from pathlib import Path

import dagster as dg

from assets.alerts.contacts import load_contacts
from assets.alerts.delivery import deliver_pending
from assets.alerts.evaluate import LOOKBACK_DAYS, evaluate_day
from assets.alerts.forecast_input import GENERATOR_SOURCE, generator_forecast, read_forecast_csv
from assets.alerts.resources import AlertSettings, MailResource
from assets.alerts.rules_config import load_rules
from assets.alerts.transport import transport_for
from assets.catalog.stations import load_station_catalog
from assets.clock import now_cst
from assets.forecast.table import write_forecast
from assets.metadata import markdown_table
from assets.automation import changed_upstream
from assets.partitions import DAILY_BACKFILL, WRITER_POOL, daily_partitions, lookback, run_days
from assets.resources import EnvmonSettings, WarehouseResource
from assets.sql_models.tables import deps_of

# The tables the rules read (their writers become the alert asset's upstream; assets.sql_models.tables).
RULE_INPUTS = (
    "forecast.aqi_daily", "marts.air_area_daily", "marts.air_area_hourly_rolling", "marts.air_station_daily",
    "marts.air_hourly_aqi", "intermediate.air_hourly_valid", "marts.water_reading_class", "staging.water_readings",
    "meta.batches", "seeds.water_sections", "seeds.areas", "seeds.stations", "seeds.water_classes",
    "marts.water_report_comparison",  # both provinces' reports of a section: a line when their classes differ
)


@dg.asset(
    key=["forecast", "generator"], group_name="alerts", partitions_def=daily_partitions, backfill_policy=DAILY_BACKFILL,
    pool=WRITER_POOL, kinds={"duckdb"},
    description="Forecast daily AQI per area from the embedded generator's own future days plus forecast error "
    "(forecast.aqi_daily, source = 'generator'), issued on D+1 for 5 days. Only when the air source is the generator.",
)
def generator_forecast_asset(
    context: dg.AssetExecutionContext, settings: EnvmonSettings, alerting: AlertSettings, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    if settings.air_source != "generator":  # its forecast only makes sense against its own data
        return dg.MaterializeResult(metadata={"dagster/row_count": 0, "skipped": f"air source is {settings.air_source}"})
    horizon = load_rules(alerting.rules)["warning"]["forecast_horizon_days"]
    catalog = load_station_catalog(settings.stations_csv or None)
    written, rows = 0, None
    with warehouse.connect() as con:
        for day in run_days(context):
            issue = day + dt.timedelta(days=1)
            rows = generator_forecast(catalog, issue, horizon, settings.generator_seed)
            written += write_forecast(con, rows, GENERATOR_SOURCE, issue, day)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": written, "last_issue_date": issue.isoformat(),
        "preview": dg.MetadataValue.md(markdown_table(rows.select("area", "target_date", "aqi", "primary_pollutant"), 20)),
    })


@dg.asset(
    key=["forecast", "files"], group_name="alerts", partitions_def=daily_partitions, backfill_policy=DAILY_BACKFILL,
    pool=WRITER_POOL, kinds={"duckdb", "csv"},
    description="Forecast CSV files (ENVMON_FORECAST_INPUT: a file or a folder of *.csv) into forecast.aqi_daily; "
    "each (source, issue date) of a file replaces that forecast. Bad rows are listed with file, row and field.",
)
def forecast_files_asset(
    context: dg.AssetExecutionContext, alerting: AlertSettings, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    day = run_days(context)[-1]  # the files are read once per run, as of its last day
    if not alerting.forecast_input:
        return dg.MaterializeResult(metadata={"dagster/row_count": 0, "skipped": "ENVMON_FORECAST_INPUT not set"})
    path = Path(alerting.forecast_input)
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    written, problems = 0, []
    with warehouse.connect() as con:
        for file in files:
            rows, found = read_forecast_csv(file)
            problems += found
            for (source, issue), part in rows.group_by("source", "issue_date"):
                written += write_forecast(con, part, source, issue, day)
    for p in problems[:20]:
        context.log.warning(f"{p['file']} row {p['row']} field {p['field']}: {p['message']}")
    return dg.MaterializeResult(metadata={"dagster/row_count": written, "files": len(files), "problems": len(problems)})


def alert_assets() -> list[dg.AssetsDefinition]:
    deps = [
        dg.AssetDep(key) if key.path[0] == "seeds" else dg.AssetDep(key, partition_mapping=lookback(LOOKBACK_DAYS))
        for key in deps_of(RULE_INPUTS, __file__)
    ]

    @dg.asset(
        key=["alerts", "events"], group_name="alerts", partitions_def=daily_partitions, backfill_policy=DAILY_BACKFILL,
        deps=deps, pool=WRITER_POOL, kinds={"duckdb"}, automation_condition=changed_upstream,
        description="Every alert rule for each day of the run, in order (warnings, regional warning, observed heavy "
        "pollution, river exceedance and incidents, data outages) → alerts.event_log / alerts.events (lifecycle) → "
        "e-mails queued in alerts.deliveries, one per state change. Re-running a day sends nothing new unless its "
        "outcome changed.",
    )
    def alert_events(
        context: dg.AssetExecutionContext, alerting: AlertSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        rules, contacts = load_rules(alerting.rules), load_contacts(alerting.contacts)
        days = run_days(context)
        where = [f"Dagster run {context.run.run_id} (asset alerts/events, partitions {days[0]} .. {days[-1]})",
                 "warehouse: SELECT * FROM alerts.events  (envmon query, published snapshot)"]
        now, evaluations = now_cst(), []
        with warehouse.connect() as con:
            for day in days:  # in order: each day's lifecycle starts from the day before
                evaluations.append(evaluate_day(con, day, rules, contacts, now, where))
        changes = [{"day": ev.day, "event": r["event_id"], "status": r["status"], "level": r["level"]}
                   for ev in evaluations for r in ev.changes]
        return dg.MaterializeResult(metadata={
            "dagster/row_count": sum(len(ev.candidates) for ev in evaluations), "state_changes": len(changes),
            "emails_queued": sum(ev.queued for ev in evaluations),
            "rules_evaluated": ", ".join(sorted(set().union(*(ev.kinds for ev in evaluations)))),
            "changes": dg.MetadataValue.md(_md(changes)),
        })

    @dg.asset(
        key=["alerts", "deliveries"], group_name="alerts", partitions_def=daily_partitions,
        backfill_policy=DAILY_BACKFILL, deps=[alert_events], pool=WRITER_POOL, kinds={"smtp"},
        automation_condition=changed_upstream,
        description="One delivery pass over the queue right after the rules (SMTP, or .eml files in <data>/outbox "
        "without ENVMON_SMTP_HOST). What fails stays pending: the alert-delivery sensor retries with back-off.",
    )
    def alert_deliveries(settings: EnvmonSettings, mail: MailResource, warehouse: WarehouseResource) -> dg.MaterializeResult:
        smtp = mail.smtp_settings()
        result = deliver_pending(warehouse.connect, transport_for(smtp, settings.paths.outbox), smtp.mail_from)
        return dg.MaterializeResult(metadata={
            "sent": result.sent, "retrying": result.retrying, "failed": result.failed,
            "transport": "smtp" if smtp.host else f"outbox {settings.paths.outbox}",
            "errors": dg.MetadataValue.md("\n".join(f"- {e}" for e in result.errors[:10]) or "none"),
        })

    return [alert_events, alert_deliveries]


def _md(rows: list[dict]) -> str:
    import polars as pl

    return markdown_table(pl.DataFrame(rows), 30) if rows else "no state change"
