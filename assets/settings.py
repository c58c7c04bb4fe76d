"""The pipeline's settings: every ENVMON_* variable the assets read, with its default, in one place.

These frozen values are what assets, sensors and plain code receive. The resources of ``assets/resources.py``
(``dg.ConfigurableResource`` classes, one per concern) build them when a run starts (or a sensor ticks), never when
a module is imported: a changed variable takes effect at the next run of the same loaded code location, and a value
given to the resource (the launchpad, run config, `envmon run --source ...`) wins over the variable. Secrets are
read from the environment only, are never configuration (the UI and the event log never see them) and never
printed (repr). ``ENVMON_CHART_FONT``, a property of the machine's fonts rather than of the pipeline, is read where
the charts are drawn (``assets/reports/fonts.py``). Nothing here writes ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ClassVar

from assets.demo import river_default
from assets.http_sources.deadline import (
    CONNECT_SETTING,
    DEADLINE_SETTING,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_READ_TIMEOUT,
    READ_SETTING,
)
from warehouse.paths import DataPaths

ALERTS_DIR = Path(__file__).resolve().parent / "alerts"
DEPLOYMENTS = ("local", "production")


def deployment(environ: Mapping[str, str] | None = None) -> str:
    """ENVMON_DEPLOYMENT: ``local`` (default, a workstation) or ``production`` (pipelines/deployment.py)."""
    environ = os.environ if environ is None else environ
    value = (environ.get("ENVMON_DEPLOYMENT") or "local").strip().lower()
    if value not in DEPLOYMENTS:
        raise ValueError(f"ENVMON_DEPLOYMENT={value!r}: expected one of {', '.join(DEPLOYMENTS)}")
    return value


class FromEnvironment:
    """``from_env``: each field from its ENVMON_* variable (named after the field unless ``VARIABLES`` says
    otherwise), a given value first, the default when the variable is unset or empty; ``SECRETS`` are never given."""

    VARIABLES: ClassVar[Mapping[str, str]] = {}
    SECRETS: ClassVar[frozenset] = frozenset()

    @classmethod
    def variable(cls, name: str) -> str:
        return cls.VARIABLES.get(name, f"ENVMON_{name.upper()}")

    @classmethod
    def describe(cls, name: str) -> str:
        """How a field is set, for the UI's resource config: its variable and its default."""
        default = next(f.default for f in fields(cls) if f.name == name)
        return f"unset: {cls.variable(name)}, else {default!r}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given):
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            if given.get(f.name) is not None and f.name not in cls.SECRETS:
                values[f.name] = given[f.name]
            elif (raw := environ.get(cls.variable(f.name), "").strip()) != "":
                try:
                    values[f.name] = raw if isinstance(f.default, str) else type(f.default)(raw)
                except ValueError:
                    raise ValueError(
                        f"{cls.variable(f.name)} is {raw!r}: expected a {type(f.default).__name__}"
                    ) from None
        return cls(**values)


@dataclass(frozen=True)
class EnvmonSettings(FromEnvironment):
    """Where the data lives and which sources feed the pipeline."""

    VARIABLES: ClassVar = {
        "input_path": "ENVMON_AIR_INPUT",
        "stations_csv": "ENVMON_STATIONS",
        "water_sections_csv": "ENVMON_WATER_SECTIONS",
        "exceptional_events_csv": "ENVMON_EXCEPTIONAL_EVENTS",
    }
    SECRETS: ClassVar = frozenset({"openaq_api_key"})

    data_dir: str = "data"  # ENVMON_DATA_DIR
    air_source: str = "generator"  # ENVMON_AIR_SOURCE
    input_path: str = ""  # ENVMON_AIR_INPUT: the folder or file of file-based air sources
    stations_csv: str = ""  # ENVMON_STATIONS: the station catalog (default: the region's 30 stations)
    generator_seed: int = 2023  # ENVMON_GENERATOR_SEED
    generator_fault_rate: float = 0.003  # ENVMON_GENERATOR_FAULT_RATE
    # ENVMON_WATER_SOURCE: generator | landing (files only); unset: the generator only beside a generated air source,
    # else landing, so that real air never brings generated rivers (assets/demo.py)
    water_source: str = ""
    water_sections_csv: str = ""  # ENVMON_WATER_SECTIONS: the section catalog (default: the demo network)
    max_rejected_share: float = 0.2  # ENVMON_MAX_REJECTED_SHARE: above it a batch is unusable
    max_file_mb: int = 1024  # ENVMON_MAX_FILE_MB: a bigger input file is refused before it is read
    max_xlsx_unpacked_mb: int = 64  # ENVMON_MAX_XLSX_UNPACKED_MB: an XLSX unpacking to more is refused
    max_rows: int = 500_000  # ENVMON_MAX_ROWS: rows of one input file, its header included (ingest/limits.py)
    max_columns: int = 5_000  # ENVMON_MAX_COLUMNS: columns of one input file
    reading_horizon_days: int = 90  # ENVMON_READING_HORIZON_DAYS: older readings in a file are reported
    openmeteo_url: str = ""  # ENVMON_OPENMETEO_URL (default: the public API)
    openaq_url: str = ""  # ENVMON_OPENAQ_URL
    openaq_match_km: float = 1.0  # ENVMON_OPENAQ_MATCH_KM: an OpenAQ location this close to a station is it
    livefeed_url: str = ""  # ENVMON_LIVEFEED_URL
    # ENVMON_OPENMETEO_FORECAST_DAYS: days of Open-Meteo forecast (0 = off); unset (-1): 3 with a live air source
    # (the fallback forecast, assets.http_sources.forecast_days), else 0 (offline runs)
    openmeteo_forecast_days: int = -1
    exceptional_events_csv: str = ""  # ENVMON_EXCEPTIONAL_EVENTS: 例外事件 (default dbt_like_sql/seeds/...)
    openaq_api_key: str = field(default="", repr=False)  # ENVMON_OPENAQ_API_KEY (secret)

    def __post_init__(self):
        if not self.water_source:
            object.__setattr__(self, "water_source", river_default(self.air_source))

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(self.data_dir).resolve())


@dataclass(frozen=True)
class HttpSettings(FromEnvironment):
    """Live sources without network fail fast (assets/http_sources/deadline.py): seconds to open a connection, of
    silence while an answer is read, and waited without any answer in a whole run."""

    VARIABLES: ClassVar = {
        "http_connect_timeout": CONNECT_SETTING,
        "http_read_timeout": READ_SETTING,
        "http_deadline": DEADLINE_SETTING,
    }

    http_connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # ENVMON_HTTP_CONNECT_TIMEOUT
    http_read_timeout: float = DEFAULT_READ_TIMEOUT  # ENVMON_HTTP_READ_TIMEOUT
    http_deadline: float = DEFAULT_DEADLINE  # ENVMON_HTTP_DEADLINE


@dataclass(frozen=True)
class AlertSettings(FromEnvironment):
    """Who is told (the contacts file), the alert rules, and the official forecast files."""

    VARIABLES: ClassVar = {"contacts_file": "ENVMON_CONTACTS", "rules_file": "ENVMON_ALERT_RULES"}

    contacts_file: str = str(ALERTS_DIR / "notify" / "contacts.example.yaml")  # ENVMON_CONTACTS
    rules_file: str = str(ALERTS_DIR / "rules" / "rules.yaml")  # ENVMON_ALERT_RULES
    forecast_input: str = ""  # ENVMON_FORECAST_INPUT: a forecast CSV file or folder
    public_url: str = ""  # ENVMON_PUBLIC_URL: the status page's address; the mails link to it (docs/status-page.md)

    @property
    def contacts(self) -> Path:
        return Path(self.contacts_file)

    @property
    def rules(self) -> Path:
        return Path(self.rules_file)
