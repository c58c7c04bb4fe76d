"""One evaluation of every alert rule for day D: candidates → lifecycle → notifications (each state change once
per recipient: an immediate mail on the queue, or a place in the recipient's daily digest) → alerts.evaluations.

Rules whose input tables do not exist yet are skipped, and their kinds are left out of the lifecycle step, so a
missing table never lifts or retracts an open alert. The day's states, notifications and immediate mails commit in
one transaction: an interrupted evaluation leaves nothing half-told.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import duckdb
import polars as pl

from assets.alerts.notify.announce import announce
from assets.alerts.notify.contacts import Contact, area_provinces
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.air_inputs import area_capture, daily_series, has_table, observed_heavy
from assets.alerts.rules.air_warnings import warning_candidates
from assets.alerts.rules.candidates import Candidate
from assets.alerts.rules.forecast_coverage import forecast_gaps, record_evaluation
from assets.alerts.rules.lifecycle import apply_day, latest_before, open_subjects
from assets.alerts.rules.outage import air_outages, water_outages
from assets.alerts.rules.retraction import explain_retractions
from assets.alerts.rules.river import river_candidates, with_report_disputes
from assets.alerts.rules.rules_config import RiverRules, Rules
from assets.alerts.rules.warning_status import warning_status
from assets.demo import mark_alerts
from warehouse.connection import fetch_polars
from warehouse.partitions import transaction

LOOKBACK_DAYS = 10  # observed days an ongoing episode may reach back


@dataclass
class Evaluation:
    day: dt.date
    candidates: list[Candidate] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    changes: list[dict] = field(default_factory=list)
    queued: int = 0  # notifications (state change x recipient), immediate or waiting for the digest
    forecast_gaps: dict[str, list[str]] = field(default_factory=dict)  # area -> target days no forecast covers


def evaluate_day(
    con: duckdb.DuckDBPyConnection,
    day: dt.date,
    rules: Rules,
    contacts: list[Contact],
    now: dt.datetime,
    where: list[str] = (),
    public_url: str = "",  # ENVMON_PUBLIC_URL: each mail links to its alert's page
) -> Evaluation:
    ev = Evaluation(day)
    if has_table(con, "forecast.aqi_daily") or has_table(con, "marts.air_area_daily"):
        series = daily_series(con, day, LOOKBACK_DAYS, rules.warning.forecast_horizon_days)
        capture = area_capture(con, day)  # the observed day's data capture, shown with each warning
        ev.candidates += [
            replace(c, capture_pct=capture.get(c.subject)) if c.kind == "area_warning" else c
            for c in warning_candidates(series, day, rules, list(area_provinces()))
        ]
        ev.kinds |= {"area_warning", "regional_warning"}
    if has_table(con, "marts.air_area_daily"):
        warned = {c.subject for c in ev.candidates if c.kind == "area_warning"} | open_subjects(
            con, "area_warning", day
        )
        status = warning_status(
            latest_before(con, day, {"area_warning", "regional_warning"}), ev.candidates, day, list(area_provinces())
        )
        ev.candidates += observed_heavy(con, day, rules.observed, warned, status)
        ev.kinds.add("observed_heavy")
    if has_table(con, "marts.water_reading_class"):
        rivers = river_candidates(*river_inputs(con, day, rules.river), day, rules.river)
        ev.candidates += with_report_disputes(rivers, report_disputes(con, day))
        ev.kinds |= {"river_exceedance", "river_incident"}
    if has_table(con, "intermediate.air_hourly_valid"):
        ev.candidates += air_outages(con, day, rules.outage)
        ev.candidates += water_outages(con, day, rules.outage, rules.river.daily_readings)
        ev.kinds.add("data_outage")
    if has_table(con, "marts.air_area_daily"):  # an air pipeline: warnings need a forecast ahead
        ev.forecast_gaps = forecast_gaps(con, day, rules.warning.forecast_coverage_days)
    ev.candidates = [rules.recipients.route(c) for c in ev.candidates]  # places -> who receives them
    with transaction(con):  # the day's states, their notifications and immediate mails, or none of them
        ev.changes = apply_day(con, day, ev.candidates, ev.kinds, now)
        ev.changes = explain_retractions(con, day, ev.changes, ev.candidates, rules)  # why, in the mails
        told = mark_alerts(con, ev.changes, LOOKBACK_DAYS)  # made from generated data: their mail says so
        ev.queued = announce(con, told, contacts, list(where), now, NotifyRules.from_rules(rules), public_url)
        record_evaluation(con, day, now, ev.forecast_gaps)
    return ev


def river_inputs(con: duckdb.DuckDBPyConnection, day: dt.date, cfg: RiverRules) -> tuple[pl.DataFrame, ...]:
    """Readings of day D and enough before it for the medians and the travel times; the catalog; the classes; the
    parameter names and units."""
    back = cfg.incident_median_hours + 48
    readings = fetch_polars(
        con,
        "SELECT * FROM marts.water_reading_class WHERE ts > CAST(? AS TIMESTAMP) + INTERVAL 1 HOUR - to_hours(?) "
        "AND ts <= CAST(? AS TIMESTAMP) + INTERVAL 1 DAY ORDER BY section_code, ts",
        [day, back, day],
    )
    sections = fetch_polars(con, "SELECT * FROM seeds.water_sections")
    classes = fetch_polars(con, "SELECT water_class, class_rank FROM seeds.water_classes")
    parameters = fetch_polars(con, "SELECT * FROM seeds.water_parameters")
    return readings, sections, classes, parameters


def report_disputes(con: duckdb.DuckDBPyConnection, day: dt.date) -> pl.DataFrame:
    """The day's readings that both provinces reported with different classes (marts.water_report_comparison)."""
    if not has_table(con, "marts.water_report_comparison"):
        return pl.DataFrame()
    return fetch_polars(con, "SELECT * FROM marts.water_report_comparison WHERE day = ? AND class_differs", [day])
