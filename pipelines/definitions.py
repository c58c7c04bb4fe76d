"""The Dagster code location that workspace.yaml loads."""

import dagster as dg

from assets.air.assets import air_hourly, station_catalog
from assets.air.event_assets import exceptional_events
from assets.alerts.assets import alert_assets, forecast_files_asset, generator_forecast_asset
from assets.http_sources.assets import open_meteo_forecast_asset
from assets.publish import snapshot_asset
from assets.reports.assets import report_assets
from assets.resources import default_resources
from assets.sql_models.assets import model_assets, seed_assets
from assets.sql_models.tables import check_declared_writers
from assets.water.assets import water_files, water_readings, water_section_catalog
from pipelines.jobs import daily_job, daily_schedule
from pipelines.mail_jobs import mail_jobs
from pipelines.report_jobs import report_jobs, report_schedules
from pipelines.water_jobs import water_file_job
from sensors.alert_delivery import alert_delivery_sensor, run_failure_email_sensor
from sensors.ingest_problems import ingest_problems_failure_sensor, ingest_problems_sensor
from sensors.propagation import propagation_sensor
from sensors.water_landing import water_landing_sensor

water_assets = [water_section_catalog, water_readings, water_files]
data_assets = [
    station_catalog,
    exceptional_events,
    air_hourly,
    open_meteo_forecast_asset,
    *water_assets,
    *seed_assets,
    *model_assets,
]
data_assets += [generator_forecast_asset, forecast_files_asset]
data_assets += alert_assets()  # the alerts read the marts and forecasts
snapshot = snapshot_asset([key for a in data_assets for key in a.keys])
all_assets = [*data_assets, snapshot]

check_declared_writers({key for a in [*all_assets, *report_assets] for key in a.keys})

defs = dg.Definitions(
    assets=[*all_assets, *report_assets],  # reports: month/year partitions, in their own jobs
    jobs=[daily_job, *report_jobs, water_file_job, *mail_jobs],  # mail jobs: requested by the mail sensors
    sensors=[
        water_landing_sensor,
        alert_delivery_sensor,
        run_failure_email_sensor,
        propagation_sensor,
        ingest_problems_sensor,
        ingest_problems_failure_sensor,
    ],
    schedules=[daily_schedule, *report_schedules],
    resources=default_resources(),
    # Runs the daemon launches execute their steps in the run's own process, one after another (docs/scaling.md):
    # the steps that write queue for the one DuckDB writer anyway, and a process per step cost ~3 s of start each.
    executor=dg.in_process_executor,
)
