"""The Dagster code location that workspace.yaml loads."""

import dagster as dg

import pipelines  # noqa: F401  (sets the data folder and DAGSTER_HOME defaults)
from assets.air.assets import air_hourly, station_catalog
from assets.alerts.assets import alert_assets, forecast_files_asset, generator_forecast_asset
from assets.http_sources.assets import open_meteo_forecast_asset
from assets.publish import snapshot_asset
from assets.reports.assets import report_assets
from assets.resources import default_resources
from assets.sql_models.assets import model_assets, seed_assets
from pipelines.jobs import daily_job, daily_schedule
from pipelines.report_jobs import report_jobs, report_schedules

data_assets = [station_catalog, air_hourly, open_meteo_forecast_asset, *seed_assets, *model_assets]
data_assets += [generator_forecast_asset, forecast_files_asset]
data_assets += alert_assets({key for a in data_assets for key in a.keys})  # alerts read the marts and forecasts
all_assets = [*data_assets, snapshot_asset([key for a in data_assets for key in a.keys])]

defs = dg.Definitions(
    assets=[*all_assets, *report_assets],  # reports: month/year partitions, in their own jobs
    jobs=[daily_job, *report_jobs],
    schedules=[daily_schedule, *report_schedules],
    resources=default_resources(),
)
