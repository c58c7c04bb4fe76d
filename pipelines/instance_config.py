"""The text of ``$DAGSTER_HOME/dagster.yaml``: the deployment's template plus, when configured, PostgreSQL storage.

- ``local`` (``make run``, ``make ui``): ``pipelines/dagster.yaml``; runs, events and schedules in SQLite under
  ``$DAGSTER_HOME`` (Dagster's default storage) unless PostgreSQL is configured.
- ``production`` (``ENVMON_DEPLOYMENT=production``, deploy/): ``deploy/dagster.yaml`` (run queue, run monitoring,
  the DuckDB writer pool); PostgreSQL is required there, since the webserver, the daemon and every run write the
  instance at once. Runs, events and schedules go through Dagster's PostgreSQL classes (``dagster_postgres``).

Only Dagster's own storage classes, configured here (issue 25: no subclass of Dagster's private storage code).

PostgreSQL is configured by ``ENVMON_DAGSTER_POSTGRES_URL`` (``postgresql://user:password@host:port/db``) or by its
parts ``ENVMON_DAGSTER_PG_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``, ``_DB``. The file names the variables
(Dagster's ``env:`` indirection), never their values: the password stays in the environment (systemd's
``EnvironmentFile``, a container secret) and is neither written to disk nor logged.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipelines import PROJECT_ROOT
from pipelines.deployment import deployment

TEMPLATES = {
    "local": PROJECT_ROOT / "pipelines" / "dagster.yaml",
    "production": PROJECT_ROOT / "deploy" / "dagster.yaml",
}
URL_VAR = "ENVMON_DAGSTER_POSTGRES_URL"
PART_VARS = {  # dagster-postgres' postgres_db field -> our variable
    "hostname": "ENVMON_DAGSTER_PG_HOST",
    "port": "ENVMON_DAGSTER_PG_PORT",
    "username": "ENVMON_DAGSTER_PG_USER",
    "password": "ENVMON_DAGSTER_PG_PASSWORD",
    "db_name": "ENVMON_DAGSTER_PG_DB",
}
REQUIRED_PARTS = ("hostname", "username", "db_name")
POSTGRES_STORAGES = {
    "run_storage": {"module": "dagster_postgres", "class": "PostgresRunStorage"},
    "event_log_storage": {"module": "dagster_postgres", "class": "PostgresEventLogStorage"},
    "schedule_storage": {"module": "dagster_postgres", "class": "PostgresScheduleStorage"},
}


class InstanceConfigError(ValueError):
    pass


def postgres_connection(environ: Mapping[str, str]) -> dict | None:
    """The connection of dagster-postgres' storage config (variable names only), or None for SQLite."""
    if environ.get(URL_VAR):
        _split_url(environ[URL_VAR])
        return {"postgres_url": {"env": URL_VAR}}
    parts = {field: var for field, var in PART_VARS.items() if environ.get(var)}
    if not parts:
        return None
    missing = [PART_VARS[f] for f in REQUIRED_PARTS if f not in parts]
    if missing:
        raise InstanceConfigError(f"PostgreSQL instance storage: {', '.join(missing)} not set (or set {URL_VAR})")
    return {"postgres_db": {field: {"env": var} for field, var in parts.items()}}


def _split_url(url: str):
    """The URL's parts; errors say what is wrong without repeating the URL (it holds the password)."""
    expected = f"{URL_VAR} must be a postgresql://user:password@host:port/database URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (parsing the port is what fails on an unencoded ':' or '/' in the password)
    except ValueError:
        raise InstanceConfigError(
            f"{expected}; percent-encode ':', '/', '@' in the password, or use {', '.join(PART_VARS.values())}"
        ) from None
    if parts.scheme not in ("postgresql", "postgresql+psycopg2") or not parts.hostname or not parts.path.strip("/"):
        raise InstanceConfigError(expected)
    return parts


def instance_yaml(environ: Mapping[str, str]) -> str:
    kind = deployment(environ)
    template = TEMPLATES[kind]
    connection = postgres_connection(environ)
    if kind == "production" and connection is None:
        raise InstanceConfigError(
            f"ENVMON_DEPLOYMENT=production needs PostgreSQL instance storage: set {URL_VAR} or "
            f"{', '.join(PART_VARS[f] for f in REQUIRED_PARTS)} (docs/deployment.md)"
        )
    text = f"# Written by envmon from {template.relative_to(PROJECT_ROOT)}: edit that file, not this copy.\n"
    text += template.read_text(encoding="utf-8")
    if connection:
        text += "\n# Runs, events and schedules in PostgreSQL; the connection comes from the environment.\n"
        # a copy each: the same object three times would be written as YAML anchors and aliases
        sections = {
            name: {**storage, "config": copy.deepcopy(connection)} for name, storage in POSTGRES_STORAGES.items()
        }
        text += yaml.safe_dump(sections, sort_keys=False)
    return text


def describe_storage(environ: Mapping[str, str]) -> str:
    """Where the instance keeps its runs, for people and logs: host, port and database, never the password."""
    if postgres_connection(environ) is None:
        return "SQLite under $DAGSTER_HOME"
    if environ.get(URL_VAR):
        url = _split_url(environ[URL_VAR])
        where = f"{url.hostname}:{url.port or 5432}{url.path}"
        user = url.username or ""
    else:
        where = (
            f"{environ[PART_VARS['hostname']]}:{environ.get(PART_VARS['port']) or 5432}/{environ[PART_VARS['db_name']]}"
        )
        user = environ[PART_VARS["username"]]
    return f"PostgreSQL {user}@{where}"


def write_instance_yaml(home: Path, environ: Mapping[str, str]) -> Path:
    """Write ``home/dagster.yaml`` when its text changed; atomically (a reader never sees half a file)."""
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    text = instance_yaml(environ)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        partial = target.with_name(f".dagster.yaml.{os.getpid()}.partial")  # the three units start at once
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    return target
