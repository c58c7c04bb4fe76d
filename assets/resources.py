"""Resources, one per system the pipeline talks to: the warehouse and its data folder, the sources of data, the
live sources' time limits, the alert rules and contacts, the mail server.

Each is a ``dg.ConfigurableResource``. Its fields are the settings an operator may give for one run (the launchpad,
run config, `envmon run --source ...`); a field left unset (None) comes from its ENVMON_* variable, read by
``create_resource`` when the run starts (or the sensor ticks), and from the default of ``assets/settings.py`` when
the variable is unset too. Assets receive the resolved values (``dg.ResourceParam[EnvmonSettings]``...).

Why not fields of ``dg.EnvVar("ENVMON_...")``: Dagster resolves an EnvVar when the run's config is processed and
fails the run when the variable is unset (it has no default: dagster-io/dagster#16232); every ENVMON_* variable
is optional (a workstation sets none). The secrets (``ENVMON_SMTP_PASSWORD``, ``ENVMON_OPENAQ_API_KEY``) are not
fields at all, so that neither the launchpad nor a run's stored config can ever hold one: they are read from the
environment when the run starts, and the resource's description names their variable.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from assets.alerts.mail.transport import SmtpSettings
from assets.demo import production_refusal
from assets.http_sources.deadline import HttpLimits
from assets.settings import AlertSettings, EnvmonSettings, HttpSettings, deployment
from warehouse.connection import write_connection
from warehouse.paths import DataPaths


def refuse_demo_in_production(settings: EnvmonSettings) -> None:
    """A production run fed by the generator fails here, when its resources start: before any step writes."""
    if refusal := production_refusal(settings, deployment()):
        raise dg.Failure(refusal)


def unset(settings_class, name: str):
    """A resource field that is None unless given: then its variable, then the default (named in the UI)."""
    return Field(default=None, description=settings_class.describe(name))


class OverridesResource(dg.ConfigurableResource):
    """The fields given for this run (None: not given), as keyword arguments of a settings class's ``from_env``."""

    def given(self) -> dict[str, object]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class SettingsResource(OverridesResource):
    """The data folder and the sources of data (ENVMON_* variables, read when the run starts; the OpenAQ key from
    ENVMON_OPENAQ_API_KEY only, never configuration)."""

    data_dir: str | None = unset(EnvmonSettings, "data_dir")
    air_source: str | None = unset(EnvmonSettings, "air_source")
    input_path: str | None = unset(EnvmonSettings, "input_path")
    stations_csv: str | None = unset(EnvmonSettings, "stations_csv")
    generator_seed: int | None = unset(EnvmonSettings, "generator_seed")
    generator_fault_rate: float | None = unset(EnvmonSettings, "generator_fault_rate")
    water_source: str | None = unset(EnvmonSettings, "water_source")
    water_sections_csv: str | None = unset(EnvmonSettings, "water_sections_csv")
    max_rejected_share: float | None = unset(EnvmonSettings, "max_rejected_share")
    max_file_mb: int | None = unset(EnvmonSettings, "max_file_mb")
    max_xlsx_unpacked_mb: int | None = unset(EnvmonSettings, "max_xlsx_unpacked_mb")
    max_rows: int | None = unset(EnvmonSettings, "max_rows")
    max_columns: int | None = unset(EnvmonSettings, "max_columns")
    reading_horizon_days: int | None = unset(EnvmonSettings, "reading_horizon_days")
    openmeteo_url: str | None = unset(EnvmonSettings, "openmeteo_url")
    openaq_url: str | None = unset(EnvmonSettings, "openaq_url")
    openaq_match_km: float | None = unset(EnvmonSettings, "openaq_match_km")
    livefeed_url: str | None = unset(EnvmonSettings, "livefeed_url")
    openmeteo_forecast_days: int | None = unset(EnvmonSettings, "openmeteo_forecast_days")
    exceptional_events_csv: str | None = unset(EnvmonSettings, "exceptional_events_csv")

    def create_resource(self, context: dg.InitResourceContext) -> EnvmonSettings:
        settings = EnvmonSettings.from_env(**self.given())
        if context.run is not None:  # a run (not a sensor's evaluation)
            refuse_demo_in_production(settings)
        return settings


class HttpResource(OverridesResource):
    """The live sources' timeouts and the run's deadline (ENVMON_HTTP_CONNECT_TIMEOUT, ENVMON_HTTP_READ_TIMEOUT,
    ENVMON_HTTP_DEADLINE): one deadline for every step of a run executed in one process."""

    http_connect_timeout: float | None = unset(HttpSettings, "http_connect_timeout")
    http_read_timeout: float | None = unset(HttpSettings, "http_read_timeout")
    http_deadline: float | None = unset(HttpSettings, "http_deadline")

    def create_resource(self, context: dg.InitResourceContext) -> HttpLimits:
        s = HttpSettings.from_env(**self.given())
        return HttpLimits.starting_now(s.http_connect_timeout, s.http_read_timeout, s.http_deadline)


class AlertingResource(OverridesResource):
    """The contacts file (ENVMON_CONTACTS), the alert rules (ENVMON_ALERT_RULES), forecast CSV input
    (ENVMON_FORECAST_INPUT), the status page's address the mails link to (ENVMON_PUBLIC_URL)."""

    contacts_file: str | None = unset(AlertSettings, "contacts_file")
    rules_file: str | None = unset(AlertSettings, "rules_file")
    forecast_input: str | None = unset(AlertSettings, "forecast_input")
    public_url: str | None = unset(AlertSettings, "public_url")

    def create_resource(self, context: dg.InitResourceContext) -> AlertSettings:
        return AlertSettings.from_env(**self.given())


SMTP_VARIABLES = {
    "host": "ENVMON_SMTP_HOST",
    "port": "ENVMON_SMTP_PORT",
    "security": "ENVMON_SMTP_SECURITY",
    "user": "ENVMON_SMTP_USER",
    "mail_from": "ENVMON_MAIL_FROM",
    "ca_file": "ENVMON_SMTP_CA_FILE",
}


def smtp_field(name: str):
    return Field(default=None, description=f"unset: {SMTP_VARIABLES[name]}")


class MailResource(OverridesResource):
    """The SMTP server (no host: .eml files in <data>/outbox); the password is ENVMON_SMTP_PASSWORD, read from the
    environment only when the run starts."""

    host: str | None = smtp_field("host")
    port: int | None = smtp_field("port")
    security: str | None = smtp_field("security")
    user: str | None = smtp_field("user")
    mail_from: str | None = smtp_field("mail_from")
    ca_file: str | None = smtp_field("ca_file")

    def create_resource(self, context: dg.InitResourceContext) -> SmtpSettings:
        given = {SMTP_VARIABLES[k]: str(v) for k, v in self.given().items()}
        return SmtpSettings.from_env({**os.environ, **given})  # a copy: os.environ is read, never changed


class WarehouseResource(dg.ConfigurableResource):
    """The data folder (ENVMON_DATA_DIR) and short-lived write connections to its warehouse (assets that use it run
    in the ``duckdb_writer`` pool)."""

    data_dir: str | None = Field(default=None, description="unset: ENVMON_DATA_DIR, else 'data'")

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # every step that writes holds this resource, whatever the job and whoever launched it (schedule, UI,
        # sensor): the run's own settings (its `settings` resource config over the variables) are checked here
        if context.run is not None:
            given = context.run.run_config.get("resources", {}).get("settings", {}).get("config", {})
            refuse_demo_in_production(EnvmonSettings.from_env(**(given or {})))

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.data_dir or dg.EnvVar("ENVMON_DATA_DIR").get_value() or "data").resolve())

    @property
    def path(self) -> Path:
        return self.paths.warehouse

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with write_connection(self.path) as con:
            yield con


def default_resources() -> dict[str, object]:
    """The code location's resources: every setting from its ENVMON_* variable, read when a run starts."""
    return {
        "settings": SettingsResource(),
        "http": HttpResource(),
        "warehouse": WarehouseResource(),
        "alerting": AlertingResource(),
        "mail": MailResource(),
    }


def resources_for(data_dir, **settings) -> dict[str, object]:
    """The resources for a given data folder and settings (tests use this with a temporary folder): each keyword
    goes to the resource that has the field (``http_deadline`` to ``http``, the others to ``settings``)."""
    http = {k: settings.pop(k) for k in list(settings) if k in HttpResource.model_fields}
    return {
        "settings": SettingsResource(data_dir=str(data_dir), **settings),
        "http": HttpResource(**http),
        "warehouse": WarehouseResource(data_dir=str(data_dir)),
        "alerting": AlertingResource(),
        "mail": MailResource(),
    }
