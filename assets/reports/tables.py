"""The tables a report shows and exports, read from the warehouse for one period.

Every table is a Polars frame under a stable name (the CSV file and XLSX sheet name). A source table that this
deployment has not built yet (no water network, no alerts) gives no table, and the report says so, rather than
failing the whole report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from assets.demo import period_generated
from assets.reports.joint_tables import joint_queries
from assets.reports.notify_times import TABLE as NOTIFY_TABLE
from assets.reports.notify_times import read_notify_times
from assets.reports.period import ReportPeriod
from warehouse.connection import fetch_one, fetch_polars


@dataclass
class ReportTables:
    period: ReportPeriod
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # table name -> the source that is not there
    levels: pl.DataFrame | None = None  # seeds.aqi_levels (chart colours)
    limits: pl.DataFrame | None = None  # Grade II limits in force over the period (chart reference lines)
    areas: pl.DataFrame | None = None  # seeds.areas (English names for charts)
    water_classes: pl.DataFrame | None = None
    generated: list[str] = field(default_factory=list)  # datasets of the period made by the generator (demo data)


def exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        fetch_one(
            con,
            "SELECT count(*) FROM (SELECT schema_name, table_name AS n FROM duckdb_tables() "
            "UNION ALL SELECT schema_name, view_name FROM duckdb_views()) WHERE schema_name = ? AND n = ?",
            [schema, name],
        )[0]
    )


def _queries(p: ReportPeriod) -> dict[str, tuple[str, str, list]]:
    """name -> (source table, SQL, params). Every table holds the period only (issue 24: the border scorecard of
    a monthly report held the whole year); monthly reports add the year to date (1-M月累计), in tables whose name
    ends in ``_ytd`` and sections and charts whose title says so, through the month and never past it."""
    month = p.kind == "month"
    air_period = "air_area_monthly WHERE month = ?" if month else "air_area_annual WHERE year = ?"
    station_period = "air_station_monthly WHERE month = ?" if month else "air_station_annual WHERE year = ?"
    key = p.start if month else p.start.year
    q = {
        "air_area": ("marts.air_area_monthly", f"SELECT * FROM marts.{air_period} ORDER BY province DESC, area", [key]),
        "air_region": (
            "marts.air_region_stats",
            "SELECT * FROM marts.air_region_stats WHERE period_kind = ? AND period_start = ? AND period_end = ? "
            "ORDER BY scope DESC, name DESC",
            [p.kind, p.start, p.end],
        ),
        "air_station": (
            "marts.air_station_monthly",
            f"SELECT * FROM marts.{station_period} ORDER BY province DESC, area, station_code",
            [key],
        ),
        "air_area_daily": (
            "marts.air_area_daily",
            "SELECT area, province, day, aqi, level, category_zh, primary_pollutant, pm25, pm10, so2, no2, co, "
            "o3_8h_max, limits_standard FROM marts.air_area_daily WHERE day BETWEEN ? AND ? ORDER BY area, day",
            [p.start, p.end],
        ),
        "water_compliance": (
            "marts.water_compliance_monthly",
            "SELECT * FROM marts.water_compliance_monthly WHERE month BETWEEN ? AND ? "
            "ORDER BY month, list_position(['region', 'province', 'river', 'section'], scope), code",
            [p.start, p.end],
        ),
        "water_sections_ytd": (
            "marts.water_section_monthly",
            "SELECT section_code, section_name, river, province, area, month, water_class, target_class, compliant, "
            "main_pollutants FROM marts.water_section_monthly WHERE month BETWEEN ? AND ? "
            "ORDER BY river, section_code, month",
            [p.year_start, p.end],
        ),
        "water_border": (
            "marts.water_border_scorecard",
            "SELECT * FROM marts.water_border_scorecard WHERE period_kind = ? AND period_start = ? "
            "AND period_end = ? ORDER BY crossing, border_role DESC",
            [p.kind, p.start, p.end],
        ),
        "alerts": (  # each alert's days in the period, and its state at the last of them (not today's)
            "alerts.event_states",
            "SELECT kind, subject, arg_max(level, day) AS level, arg_max(status, day) AS status, "
            "any_value(title_zh) AS title_zh, any_value(title_en) AS title_en, min(day) AS first_seen, "
            "max(day) FILTER (WHERE status NOT IN ('lifted', 'retracted')) AS last_seen, "
            "arg_max(standard, day) AS standard "
            "FROM alerts.event_states WHERE day BETWEEN ? AND ? GROUP BY event_id, kind, subject "
            "ORDER BY first_seen, kind, subject",
            [p.start, p.end],
        ),
    }
    if month:
        q["air_area_ytd"] = (
            "marts.air_area_ytd",
            "SELECT * FROM marts.air_area_ytd WHERE year = ? AND through_month = ? ORDER BY province DESC, area",
            [p.start.year, p.start.month],
        )
        q["water_border_ytd"] = (
            "marts.water_border_scorecard",
            "SELECT * FROM marts.water_border_scorecard WHERE period_kind = 'ytd' AND period_start = ? "
            "AND period_end = ? ORDER BY crossing, border_role DESC",
            [p.year_start, p.end],
        )
    q.update(joint_queries(p))  # composite index, exceptional events, both sides of the border
    return q


def read_report_tables(con: duckdb.DuckDBPyConnection, period: ReportPeriod) -> ReportTables:
    out = ReportTables(period, generated=period_generated(con, period.start, period.end))
    for name, (source, sql, params) in _queries(period).items():
        if exists(con, source):
            out.tables[name] = fetch_polars(con, sql, params)
        else:
            out.missing[name] = source
    out.levels = fetch_polars(con, "SELECT * FROM seeds.aqi_levels ORDER BY aqi_min")
    out.areas = fetch_polars(con, "SELECT * FROM seeds.areas")
    out.limits = fetch_polars(
        con,
        "SELECT standard, valid_from, valid_to, pollutant, averaging, grade_ii FROM seeds.air_quality_limits "
        "WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from",
        [period.end, period.start],
    )
    if exists(con, "seeds.water_classes"):
        out.water_classes = fetch_polars(con, "SELECT * FROM seeds.water_classes ORDER BY class_rank")
    notify_times = read_notify_times(con, period)
    if notify_times is None:
        out.missing[NOTIFY_TABLE] = "alerts.ledger"
    else:
        out.tables[NOTIFY_TABLE] = notify_times
    return out
