"""Resources, one per system the pipeline talks to: the warehouse and its data folder, the sources of data, the
alert rules and contacts, the mail server.

Their settings are read from the ENVMON_* variables when a run starts (``assets/settings.py``), not when the code
location is imported: a changed variable takes effect at the next run. A field given here (the launchpad's
resource config, `envmon run --source ...`) wins over its variable for that run. Secrets (the SMTP password, the
OpenAQ key) are never configuration: read from the environment by the settings, they never reach the UI or the
event log.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import dagster as dg
import duckdb

from assets.alerts.mail.transport import SmtpSettings
from assets.demo import production_refusal
from assets.http_sources.deadline import HttpLimits
from assets.settings import AlertSettings, EnvmonSettings, deployment
from warehouse.connection import write_connection
from warehouse.paths import DataPaths


def refuse_demo_in_production(settings: EnvmonSettings) -> None:
    """A production run fed by the generator fails here, when its resources start: before any step writes."""
    if refusal := production_refusal(settings, deployment()):
        raise dg.Failure(refusal)


class WarehouseResource(dg.ConfigurableResource):
    """The data folder (ENVMON_DATA_DIR) and short-lived write connections to its warehouse (assets that use it run
    in the ``duckdb_writer`` pool)."""

    data_dir: str | None = None

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # every step that writes holds this resource, whatever the job and whoever launched it (schedule, UI,
        # sensor): the run's own settings (its `settings` resource config over the variables) are checked here
        if context.run is not None:
            given = context.run.run_config.get("resources", {}).get("settings", {}).get("config", {})
            refuse_demo_in_production(EnvmonSettings.from_env(**(given or {})))

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.data_dir or os.environ.get("ENVMON_DATA_DIR") or "data").resolve())

    @property
    def path(self) -> Path:
        return self.paths.warehouse

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with write_connection(self.path) as con:
            yield con


def _config_of(settings_class, exclude=()) -> dict[str, dg.Field]:
    """Every field of a settings class as optional resource config: unset (None), it comes from its variable."""
    return {
        f.name: dg.Field(
            dg.Noneable(type(f.default)),
            is_required=False,
            default_value=None,
            description=f"default: {settings_class.variable(f.name)}, else {f.default!r}",
        )
        for f in fields(settings_class)
        if f.name not in settings_class.SECRETS and f.name not in exclude
    }


@dg.resource(
    config_schema=_config_of(EnvmonSettings),
    description="The data folder and the sources of data (ENVMON_* variables, read when the run starts).",
)
def settings_resource(init_context) -> EnvmonSettings:
    settings = EnvmonSettings.from_env(**init_context.resource_config)
    if init_context.run is not None:  # a run (not a sensor's evaluation)
        refuse_demo_in_production(settings)
    return settings


@dg.resource(
    config_schema=_config_of(AlertSettings),
    description="The contacts file (ENVMON_CONTACTS), the alert rules (ENVMON_ALERT_RULES), forecast CSV "
    "input (ENVMON_FORECAST_INPUT).",
)
def alerting_resource(init_context) -> AlertSettings:
    return AlertSettings.from_env(**init_context.resource_config)


@dg.resource(
    required_resource_keys={"settings"},
    description="The live sources' timeouts and the run's deadline (ENVMON_HTTP_CONNECT_TIMEOUT, "
    "ENVMON_HTTP_READ_TIMEOUT, ENVMON_HTTP_DEADLINE): one deadline for every step of a run executed in one process.",
)
def http_resource(init_context) -> HttpLimits:
    settings = init_context.resources.settings
    return HttpLimits.starting_now(settings.http_connect_timeout, settings.http_read_timeout, settings.http_deadline)


SMTP_VARIABLES = {
    "host": "ENVMON_SMTP_HOST",
    "port": "ENVMON_SMTP_PORT",
    "security": "ENVMON_SMTP_SECURITY",
    "user": "ENVMON_SMTP_USER",
    "mail_from": "ENVMON_MAIL_FROM",
    "ca_file": "ENVMON_SMTP_CA_FILE",
}


@dg.resource(
    config_schema={
        k: dg.Field(
            dg.Noneable(int if k == "port" else str), is_required=False, default_value=None, description=f"default: {v}"
        )
        for k, v in SMTP_VARIABLES.items()
    },
    description="The SMTP server (no host: .eml files in <data>/outbox); the password is "
    "ENVMON_SMTP_PASSWORD, read from the environment only.",
)
def mail_resource(init_context) -> SmtpSettings:
    given = {SMTP_VARIABLES[k]: str(v) for k, v in init_context.resource_config.items() if v is not None}
    return SmtpSettings.from_env({**os.environ, **given})


def default_resources() -> dict[str, object]:
    """The code location's resources: every setting from its ENVMON_* variable, read when a run starts."""
    return {
        "settings": settings_resource,
        "http": http_resource,
        "warehouse": WarehouseResource(),
        "alerting": alerting_resource,
        "mail": mail_resource,
    }


def resources_for(data_dir, **settings) -> dict[str, object]:
    """The resources for a given data folder and source settings (tests use this with a temporary folder)."""
    return {
        "settings": settings_resource.configured({"data_dir": str(data_dir), **settings}),
        "http": http_resource,
        "warehouse": WarehouseResource(data_dir=str(data_dir)),
        "alerting": alerting_resource,
        "mail": mail_resource,
    }
