"""Resources: settings read from ENVMON_* variables, and the DuckDB warehouse."""


from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from assets.alerts.resources import alert_resources
from warehouse.connection import write_connection
from warehouse.paths import DataPaths


class EnvmonSettings(dg.ConfigurableResource):
    """Where the data lives and which source feeds the air pipeline (overridable per run in the launchpad)."""

    data_dir: str
    air_source: str = "generator"
    input_path: str = ""
    stations_csv: str = ""
    generator_seed: int = 2023
    generator_fault_rate: float = 0.003
    water_source: str = "generator"  # ENVMON_WATER_SOURCE: generator | landing (files only)
    water_sections_csv: str = ""  # ENVMON_WATER_SECTIONS: the section catalog (default: the demo network)
    max_rejected_share: float = 0.2  # a batch with a larger share of rejected rows blocks downstream assets
    openmeteo_url: str = ""  # ENVMON_OPENMETEO_URL (default the public API); live sources: docs/sources.md
    openaq_url: str = ""  # ENVMON_OPENAQ_URL; the key is ENVMON_OPENAQ_API_KEY, read from the environment only
    livefeed_url: str = ""  # ENVMON_LIVEFEED_URL (or a file/folder through input_path)
    openmeteo_forecast_days: int = 0  # ENVMON_OPENMETEO_FORECAST_DAYS: > 0 fills forecast.aqi_daily (0 = off)
    reading_horizon_days: int = 90  # ENVMON_READING_HORIZON_DAYS: older readings in a file are reported
    exceptional_events_csv: str = ""  # ENVMON_EXCEPTIONAL_EVENTS: 例外事件 (default dbt_like_sql/seeds/...)

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.data_dir).resolve())


class WarehouseResource(dg.ConfigurableResource):
    """Short-lived write connections to the warehouse (assets that use it run in the ``duckdb_writer`` pool)."""

    data_dir: str

    @property
    def path(self) -> Path:
        return DataPaths(Path(self.data_dir).resolve()).warehouse

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with write_connection(self.path) as con:
            yield con


def default_resources() -> dict[str, dg.ConfigurableResource]:
    """Resources of the code location, configured from ENVMON_* variables (see README and envmon.env.example)."""
    env = lambda name, default: dg.EnvVar(name).get_value(default)  # noqa: E731
    return resources_for(
        dg.EnvVar("ENVMON_DATA_DIR"),
        air_source=env("ENVMON_AIR_SOURCE", "generator"),
        input_path=env("ENVMON_AIR_INPUT", ""),
        stations_csv=env("ENVMON_STATIONS", ""),
        generator_seed=int(env("ENVMON_GENERATOR_SEED", "2023")),
        generator_fault_rate=float(env("ENVMON_GENERATOR_FAULT_RATE", "0.003")),
        water_source=env("ENVMON_WATER_SOURCE", "generator"),
        water_sections_csv=env("ENVMON_WATER_SECTIONS", ""),
        max_rejected_share=float(env("ENVMON_MAX_REJECTED_SHARE", "0.2")),
        openmeteo_url=env("ENVMON_OPENMETEO_URL", ""),
        openaq_url=env("ENVMON_OPENAQ_URL", ""),
        livefeed_url=env("ENVMON_LIVEFEED_URL", ""),
        openmeteo_forecast_days=int(env("ENVMON_OPENMETEO_FORECAST_DAYS", "0")),
        reading_horizon_days=int(env("ENVMON_READING_HORIZON_DAYS", "90")),
        exceptional_events_csv=env("ENVMON_EXCEPTIONAL_EVENTS", ""),
    )


def resources_for(data_dir, **settings) -> dict[str, dg.ConfigurableResource]:
    """The resources for a given data folder (tests use this with a temporary folder)."""
    return {
        "settings": EnvmonSettings(data_dir=data_dir, **settings),
        "warehouse": WarehouseResource(data_dir=data_dir),
        **alert_resources(),  # alerting (contacts, rules, forecast files) and mail (ENVMON_SMTP_*)
    }
