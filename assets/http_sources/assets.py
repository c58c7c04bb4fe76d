"""The Open-Meteo forecast as a Dagster asset: its rows of forecast.aqi_daily, issued the morning after the day."""

import datetime as dt

import dagster as dg

from assets.air.assets import station_catalog
from assets.catalog.stations import load_station_catalog
from assets.clock import now_cst
from assets.forecast.table import write_forecast
from assets.http_sources.client import HttpClient, HttpSourceError
from assets.http_sources.deadline import HttpLimits
from assets.http_sources.forecast_days import forecast_days
from assets.http_sources.open_meteo import DEFAULT_URL, SOURCE
from assets.http_sources.open_meteo_sources import open_meteo_forecast
from assets.ingest.problems import problem_frame, store_problems
from assets.metadata import markdown_table
from assets.partitions import DAILY_BACKFILL, WRITER_POOL, daily_partitions, run_days
from assets.resources import WarehouseResource
from assets.settings import EnvmonSettings


@dg.asset(
    key=["forecast", "open_meteo"],
    group_name="forecast",
    partitions_def=daily_partitions,
    backfill_policy=DAILY_BACKFILL,
    deps=[station_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "api"},
    description=(
        "Open-Meteo (CAMS) forecast daily AQI per area, HJ 633 daily method, as the rows of forecast.aqi_daily with "
        "source = 'open_meteo'. Partition D is issued on D+1 (the morning the daily job runs) for "
        "ENVMON_OPENMETEO_FORECAST_DAYS target days. The fallback when no official forecast (ENVMON_FORECAST_INPUT) "
        "covers an area: by default 3 days with a live air source (livefeed, openaq, open_meteo), none otherwise."
    ),
)
def open_meteo_forecast_asset(
    context: dg.AssetExecutionContext,
    settings: dg.ResourceParam[EnvmonSettings],
    http: dg.ResourceParam[HttpLimits],
    warehouse: WarehouseResource,
) -> dg.MaterializeResult:
    days = forecast_days(settings.air_source, settings.openmeteo_forecast_days)
    if days <= 0:
        why = (
            "ENVMON_OPENMETEO_FORECAST_DAYS=0"
            if settings.openmeteo_forecast_days == 0
            else f"air source {settings.air_source} is not live (set ENVMON_OPENMETEO_FORECAST_DAYS to fetch)"
        )
        return dg.MaterializeResult(metadata={"dagster/row_count": 0, "skipped": why})
    catalog = load_station_catalog(settings.stations_csv or None)
    client = HttpClient.within(SOURCE, http)  # the run's deadline: shared with the air source of the same run
    written, problems, rows, issue, unavailable = 0, [], None, None, 0
    for day in run_days(context):
        issue = day + dt.timedelta(days=1)
        try:
            rows, found = open_meteo_forecast(issue, catalog, settings.openmeteo_url, days, client)
        except HttpSourceError as exc:
            if settings.openmeteo_forecast_days > 0:  # asked for by the operator: fail loudly
                raise
            # the default fallback unreachable must not stop the day's alerts: the forecast_coverage check warns,
            # and the line is in the run's summary and data operations' e-mail (meta.ingest_problems)
            message = f"fallback forecast issued {issue} not fetched, the day's alerts go on without it: {exc}"
            context.log.warning(f"Open-Meteo {message}")
            rows, found, unavailable = None, [fallback_problem(settings.openmeteo_url, message)], unavailable + 1
        problems += found
        with warehouse.connect() as con:
            if rows is not None:
                written += write_forecast(con, rows, SOURCE, issue, day)
            store_problems(
                con,
                problem_frame(
                    found,
                    dataset="forecast",
                    source=SOURCE,
                    batch_id=None,
                    day=day,
                    run_id=context.run.run_id,
                    now=now_cst(),
                ),
                replace={"dataset": "forecast", "source": SOURCE, "day": day},  # a re-run keeps its own lines
            )
    for problem in [p for p in problems if p.get("kind") != "unavailable"][:20]:  # those were logged above
        context.log.warning(f"{problem['file']} area {problem['row']} field {problem['field']}: {problem['message']}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written,
            "last_issue_date": issue.isoformat(),
            "problems": len(problems),
            "issues_unavailable": unavailable,
            "forecast_days": days,
            "max_aqi": int(rows["aqi"].max())
            if rows is not None and rows.height and rows["aqi"].max() is not None
            else None,
            "preview": dg.MetadataValue.md(
                markdown_table(rows.sort("target_date", "area"), 20)
                if rows is not None
                else "unavailable: see the run's warnings"
            ),
        }
    )


def fallback_problem(base_url: str, message: str) -> dict:
    """The problem line of a default fallback forecast that could not be fetched."""
    return {"file": base_url or DEFAULT_URL, "row": None, "field": "request", "kind": "unavailable", "message": message}
