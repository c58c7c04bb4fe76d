"""Demo data: the embedded generator is a workstation's offline demo source, never production's, and whatever is
made from its readings says so where a person reads it. The one place that knows

- which settings name the generator (``generated_sources``) and the line that refuses them in production
  (``production_refusal``: the CLI before any run, and every run's resources, so schedules and the UI too);
- whether something was made from generated data: the batches behind it in ``meta.batches`` (and the generator's
  own forecasts in ``forecast.aqi_daily``) have the source ``generator`` (``generated_datasets``, ``mark_alerts``);
- the words that say so: ``MARK`` (subject prefix), ``NOTICE`` (first line), ``RUN_TAG`` (the Dagster run tag).

Plain Python (no dagster): the alerts, the reports, the CLI and the resources all ask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb

GENERATOR = "generator"
RIVER_DEFAULT_WITH_REAL_AIR = "landing"  # the monitoring centres' files

MARK = "【演示数据 demo data】"
NOTICE_ZH = "演示数据：由内置生成器模拟的数据产生，不是监测数据，无需处置。"  # mails and reports alike
NOTICE_EN = "Demo data: made from readings simulated by the embedded generator, not measurements; no action needed."
NOTICE = f"{MARK}{NOTICE_ZH} / {NOTICE_EN}"
RUN_TAG = "envmon/demo_data"

# The datasets (meta.batches.dataset, or the forecasts) each alert kind is made from; an unknown kind: all of them.
AIR, WATER, FORECAST = "air_hourly", "water_readings", "forecast"
KIND_DATASETS = {
    "area_warning": {AIR, FORECAST},
    "regional_warning": {AIR, FORECAST},
    "observed_heavy": {AIR},
    "river_exceedance": {WATER},
    "river_incident": {WATER},
    "data_outage": {AIR, WATER},
}
ALL_DATASETS = {AIR, WATER, FORECAST}


# Demo mail reaches a person only at an example address: the shipped contacts' domain and the domains reserved for
# examples and tests (RFC 2606, RFC 6761). Any other recipient gets it in the .eml outbox instead
# (``assets/alerts/mail/transport.py``): a workstation's demo never mails a real contact, whatever its contacts say.
EXAMPLE_MAIL_DOMAINS = ("example.cn", "example.com", "example.net", "example.org", "example")
EXAMPLE_MAIL_SUFFIXES = (".example", ".test", ".invalid", ".localhost")


def is_demo_mail(subject: str | None) -> bool:
    """Whether a mail was made from generated data (``marked`` puts ``MARK`` before its subject)."""
    return bool(subject) and subject.startswith(MARK)


def may_receive_demo(address: str) -> bool:
    """Whether ``address`` is an example address, to which demo mail may go by SMTP."""
    domain = address.rpartition("@")[2].strip().rstrip(".>").lower()
    return domain in EXAMPLE_MAIL_DOMAINS or domain.endswith(EXAMPLE_MAIL_SUFFIXES)


def river_default(air_source: str) -> str:
    """The river source when ENVMON_WATER_SOURCE is unset: generated rivers only beside generated air."""
    return GENERATOR if air_source == GENERATOR else RIVER_DEFAULT_WITH_REAL_AIR


def generated_sources(settings) -> dict[str, str]:
    """The settings (variable -> what it feeds) that name the generator, e.g. {"ENVMON_AIR_SOURCE": "air"}."""
    named = {"ENVMON_AIR_SOURCE": ("air", settings.air_source), "ENVMON_WATER_SOURCE": ("river", settings.water_source)}
    return {variable: what for variable, (what, source) in named.items() if source == GENERATOR}


def production_refusal(settings, deployment: str) -> str | None:
    """The one line that refuses a production run fed by the generator (None: nothing to refuse)."""
    generated = generated_sources(settings)
    if deployment != "production" or not generated:
        return None
    fixes = {
        "ENVMON_AIR_SOURCE": "ENVMON_AIR_SOURCE (or --source) to livefeed or archive with ENVMON_AIR_INPUT",
        "ENVMON_WATER_SOURCE": "ENVMON_WATER_SOURCE=landing",
    }
    what = " and ".join(generated.values())
    return (
        f"ENVMON_DEPLOYMENT=production refuses the generator (demo data) as {what} source: set "
        f"{' and '.join(fixes[v] for v in generated)} (deploy/envmon.production.env, docs/deployment.md)"
    )


def marked(subject: str, text: str, html: str | None = None) -> tuple[str, str, str | None]:
    """A mail made from generated data: ``MARK`` before its subject, ``NOTICE`` as the first line of its text and
    at the top of its HTML body."""
    if html is not None and (start := html.find("<body")) >= 0:
        at = html.index(">", start) + 1
        banner = (
            '<p style="background:#fff3cd;border:2px solid #e0a800;padding:8px 12px;font-weight:bold">'
            f"{MARK}{NOTICE_ZH}<br>{NOTICE_EN}</p>"
        )
        html = html[:at] + banner + html[at:]
    return f"{MARK}{subject}", f"{NOTICE}\n\n{text}", html


def tag_run(instance, run_id: str | None, source: str) -> None:
    """Tag the run ``RUN_TAG=true`` when ``source`` is the generator (the Dagster UI lists and filters by it)."""
    if run_id and source == GENERATOR:
        instance.add_run_tags(run_id, {RUN_TAG: "true"})


def generated_datasets(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> dict[dt.date, set[str]]:
    """Per day of ``first .. last``, the datasets whose readings (or forecasts) of that day came from the generator."""
    tables = {r[0] for r in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
    parts = []
    if "meta.batches" in tables:
        parts.append(
            "SELECT load_partition AS day, dataset FROM meta.batches WHERE source = $generator "
            "AND load_partition BETWEEN $first AND $last"
        )
    if "forecast.aqi_daily" in tables:  # a generated forecast is issued on D + 1 for the days after D
        parts.append(
            f"SELECT CAST(issue_date - INTERVAL 1 DAY AS DATE) AS day, '{FORECAST}' AS dataset FROM forecast.aqi_daily "
            "WHERE source = $generator AND issue_date BETWEEN $first AND CAST($last AS DATE) + INTERVAL 1 DAY"
        )
    if not parts:
        return {}
    rows = con.execute(
        f"SELECT DISTINCT day, dataset FROM ({' UNION ALL '.join(parts)})",
        {"generator": GENERATOR, "first": first, "last": last},
    ).fetchall()
    out: dict[dt.date, set[str]] = {}
    for day, dataset in rows:
        out.setdefault(day, set()).add(dataset)
    return out


def mark_alerts(con: duckdb.DuckDBPyConnection, rows: Iterable[dict], lookback_days: int) -> list[dict]:
    """The alert state changes ``rows`` (alerts.event_log rows) with ``demo``: whether the data of their day, or of
    the ``lookback_days`` the rules read before it, came from the generator in a dataset their kind is made from."""
    rows = list(rows)
    if not rows:
        return rows
    days = [dt.date.fromisoformat(str(r["day"])) for r in rows]
    generated = generated_datasets(con, min(days) - dt.timedelta(days=lookback_days), max(days))
    out = []
    for row, day in zip(rows, days):
        wanted = KIND_DATASETS.get(row["kind"], ALL_DATASETS)
        window = (day - dt.timedelta(days=n) for n in range(lookback_days + 1))
        out.append({**row, "demo": any(wanted & generated.get(d, set()) for d in window)})
    return out


def period_generated(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> list[str]:
    """The datasets of ``first .. last`` that hold generated data (the report's title block names them)."""
    return sorted(set().union(*generated_datasets(con, first, last).values()))


def demo_settings_line(settings) -> str:
    """The run summary's line for runs whose sources include the generator (empty when none does)."""
    generated = generated_sources(settings)
    if not generated:
        return ""
    return (
        f"  {MARK} the {' and '.join(generated.values())} readings of this run are generated (the generator, "
        f"{', '.join(generated)}): not measurements; their alerts, e-mails and reports are marked 演示数据"
    )
