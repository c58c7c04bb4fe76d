"""Alert assets of the daily job: forecast input, rule evaluation with the lifecycle, one delivery pass.

A run over several days evaluates them in order (each day's lifecycle starts from the day before). Day D reads the
marts of D and the ``LOOKBACK_DAYS`` before it (an episode, the river medians), so a change of day D re-evaluates
D and the days after it that look back to it.
"""

import datetime as dt
from pathlib import Path

import dagster as dg
import polars as pl

from assets.alerts.checks import FORECAST_COVERAGE, forecast_coverage_result
from assets.alerts.dispatch import delivery_pass
from assets.alerts.evaluate import LOOKBACK_DAYS, evaluate_day
from assets.alerts.ledger.ledger import events_of_days, refresh_ledger
from assets.alerts.mail.transport import SmtpSettings
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.rules_config import load_rules
from assets.automation import changed_upstream
from assets.catalog.stations import load_station_catalog
from assets.clock import now_cst
from assets.forecast.inputs import GENERATOR_SOURCE, generator_forecasts, read_forecast_csv
from assets.forecast.table import write_forecast
from assets.metadata import add_day_metadata, markdown_table
from assets.partitions import DAILY_BACKFILL, WRITER_POOL, daily_partitions, lookback, run_days
from assets.resources import WarehouseResource
from assets.settings import AlertSettings, EnvmonSettings
from assets.sql_models.tables import deps_of

# The tables the rules read (their writers become the alert asset's upstream; assets.sql_models.tables).
RULE_INPUTS = (
    "forecast.aqi_daily",
    "marts.air_area_daily",
    "marts.air_area_hourly_rolling",
    "marts.air_station_daily",
    "marts.air_hourly_aqi",
    "intermediate.air_hourly_valid",
    "marts.water_reading_class",
    "staging.water_readings",
    "meta.batches",
    "seeds.water_sections",
    "seeds.areas",
    "seeds.stations",
    "seeds.water_classes",
    "marts.water_report_comparison",  # both provinces' reports of a section: a line when their classes differ
)


@dg.asset(
    key=["forecast", "generator"],
    group_name="alerts",
    partitions_def=daily_partitions,
    backfill_policy=DAILY_BACKFILL,
    pool=WRITER_POOL,
    kinds={"duckdb"},
    description="Forecast daily AQI per area from the embedded generator's own future days plus forecast error "
    "(forecast.aqi_daily, source = 'generator'), issued on D+1 for 5 days. Only when the air source is the generator.",
)
def generator_forecast_asset(
    context: dg.AssetExecutionContext,
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    if settings.air_source != "generator":  # its forecast only makes sense against its own data
        return dg.MaterializeResult(
            metadata={"dagster/row_count": 0, "skipped": f"air source is {settings.air_source}"}
        )
    horizon = load_rules(alerting.rules).warning.forecast_horizon_days
    catalog = load_station_catalog(settings.stations_csv or None)
    days = run_days(context)
    issues = [day + dt.timedelta(days=1) for day in days]
    forecasts = generator_forecasts(catalog, issues, horizon, settings.generator_seed)
    written = 0
    with warehouse.connect() as con:
        for day, issue in zip(days, issues):
            rows = forecasts.filter(pl.col("issue_date") == issue)
            written += write_forecast(con, rows, GENERATOR_SOURCE, issue, day)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "last_issue_date": issue.isoformat(),
            "preview": dg.MetadataValue.md(
                markdown_table(rows.select("area", "target_date", "aqi", "primary_pollutant"), 20)
            ),
        }
    )


@dg.asset(
    key=["forecast", "files"],
    group_name="alerts",
    partitions_def=daily_partitions,
    backfill_policy=DAILY_BACKFILL,
    pool=WRITER_POOL,
    kinds={"duckdb", "csv"},
    description="Forecast CSV files (ENVMON_FORECAST_INPUT: a file or a folder of *.csv) into forecast.aqi_daily; "
    "each (source, issue date) of a file replaces that forecast. Bad rows are listed with file, row and field.",
)
def forecast_files_asset(
    context: dg.AssetExecutionContext, alerting: dg.ResourceParam[AlertSettings], warehouse: WarehouseResource
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
        key=["alerts", "events"],
        group_name="alerts",
        partitions_def=daily_partitions,
        backfill_policy=DAILY_BACKFILL,
        deps=deps,
        pool=WRITER_POOL,
        kinds={"duckdb"},
        automation_condition=changed_upstream,
        check_specs=[FORECAST_COVERAGE],
        description="Every alert rule for each day of the run, in order (warnings, regional warning, observed heavy "
        "pollution, river exceedance and incidents, data outages) → alerts.event_log / alerts.events (lifecycle) → "
        "alerts.notifications: each state change once per recipient, mailed at once (rules.yaml notify.immediate, "
        "grouped) or in the recipient's daily digest. Re-running a day sends nothing new unless its outcome changed.",
    )
    def alert_events(
        context: dg.AssetExecutionContext, alerting: dg.ResourceParam[AlertSettings], warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        rules, contacts = load_rules(alerting.rules), load_contacts(alerting.contacts)
        days = run_days(context)
        where = [
            f"Dagster run {context.run.run_id} (asset alerts/events, partitions {days[0]} .. {days[-1]})",
        ]
        if not alerting.public_url:  # with a status page, each mail links to its alert's page instead
            where.append("warehouse: SELECT * FROM alerts.events  (envmon query, published snapshot)")
        now, evaluations = now_cst(), []
        with warehouse.connect() as con:
            for day in days:  # in order: each day's lifecycle starts from the day before
                evaluations.append(evaluate_day(con, day, rules, contacts, now, where, alerting.public_url))
        coverage = forecast_coverage_result(
            {ev.day: ev.forecast_gaps for ev in evaluations}, rules.warning.forecast_coverage_days
        )
        by_day = {
            ev.day.isoformat(): {
                "changes": dg.MetadataValue.md(
                    _md([{"event": r["event_id"], "status": r["status"], "level": r["level"]} for r in ev.changes])
                )
            }
            for ev in evaluations
        }
        add_day_metadata(context, context.asset_key, by_day, {})
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": sum(len(ev.candidates) for ev in evaluations),
                "state_changes": sum(len(ev.changes) for ev in evaluations),
                "notifications": sum(ev.queued for ev in evaluations),
                "rules_evaluated": ", ".join(sorted(set().union(*(ev.kinds for ev in evaluations)))),
            },
            check_results=[coverage],
        )

    @dg.asset(
        key=["alerts", "deliveries"],
        group_name="alerts",
        partitions_def=daily_partitions,
        backfill_policy=DAILY_BACKFILL,
        deps=[alert_events],
        pool=WRITER_POOL,
        kinds={"smtp"},
        automation_condition=changed_upstream,
        description="One delivery pass right after the rules: the daily digests that are due, then the queue (SMTP, "
        "or .eml files in <data>/outbox without ENVMON_SMTP_HOST). What fails stays pending: the alert-delivery "
        "sensor retries with back-off and composes later digests at their hour.",
    )
    def alert_deliveries(
        settings: dg.ResourceParam[EnvmonSettings],
        alerting: dg.ResourceParam[AlertSettings],
        mail: dg.ResourceParam[SmtpSettings],
        warehouse: WarehouseResource,
    ) -> dg.MaterializeResult:
        smtp = mail
        out = delivery_pass(warehouse.connect, alerting, smtp, settings.paths.outbox)
        result = out.delivery
        return dg.MaterializeResult(
            metadata={
                "digests_composed": out.digests,
                "sent": result.sent,
                "retrying": result.retrying,
                "failed": result.failed,
                "transport": "smtp" if smtp.host else f"outbox {settings.paths.outbox}",
                "errors": dg.MetadataValue.md("\n".join(f"- {e}" for e in result.errors[:10]) or "none"),
            }
        )

    @dg.asset(
        key=["alerts", "ledger"],
        group_name="alerts",
        partitions_def=daily_partitions,
        backfill_policy=DAILY_BACKFILL,
        deps=[alert_deliveries],
        pool=WRITER_POOL,
        kinds={"duckdb", "sql"},
        automation_condition=changed_upstream,
        description="The accountability ledger alerts.ledger (alerts/ledger/ledger.sql): per alert and recipient, "
        "when the triggering data arrived, the rule evaluated it, the mail was queued, delivered and acknowledged "
        "(envmon ack). Refreshed here for the alerts of the run's days, and by delivery passes and envmon ack. Not a "
        "SQL model: it reads alerts.*, which the alert assets write after the models (docs/alerts.md).",
    )
    def alert_ledger(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = refresh_ledger(con, events_of_days(con, run_days(context)))
            summary = con.execute(
                "SELECT count(*), count(delivered_at), count(acknowledged_at), median(minutes_to_notify) "
                "FROM alerts.ledger WHERE first_day BETWEEN ? AND ?",
                [run_days(context)[0], run_days(context)[-1]],
            ).fetchall()[0]
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "alert_recipients": summary[0],
                "delivered": summary[1],
                "acknowledged": summary[2],
                "median_minutes_to_notify": None if summary[3] is None else round(float(summary[3]), 1),
            }
        )

    return [alert_events, alert_deliveries, alert_ledger]


def _md(rows: list[dict]) -> str:
    import polars as pl

    return markdown_table(pl.DataFrame(rows), 30) if rows else "no state change"
