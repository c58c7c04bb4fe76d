"""Data outage alerts for the data-operations contact: a station or section silent for too long on day D, or a day
below the validity rule (fewer valid hourly PM2.5 values than GB 3095 needs; fewer river readings than configured).
Only for a day whose daily batch was fetched (meta.batches, an empty batch included): a day before the pipeline
ran, or one that only a late reading or a monitoring-centre file touched, is not an outage of the feed.

The longest silence counts the labels of day D without a value (air: no pollutant valid in the hour; water: no
reading), so 6 silent hours = 6 missing hourly labels; for 4-hourly river readings, the gap between two readings
minus the regular 4 hours.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from assets.alerts.air_inputs import has_table
from assets.alerts.candidates import DATA_OPS, Candidate
from warehouse.connection import fetch_one, fetch_polars


def fetched(con: duckdb.DuckDBPyConnection, dataset: str, day: dt.date) -> bool:
    """Whether the daily feed of ``dataset`` was fetched for ``day`` (monitoring-centre files do not count)."""
    return fetch_one(con, "SELECT count(*) FROM meta.batches WHERE dataset = ? AND load_partition = ? "
                          "AND source <> 'file'", [dataset, day])[0] > 0


def air_outages(con: duckdb.DuckDBPyConnection, day: dt.date, cfg: dict) -> list[Candidate]:
    if not has_table(con, "intermediate.air_hourly_valid") or not fetched(con, "air_hourly", day):
        return []
    frame = fetch_polars(
        con,
        """
        WITH hours AS (SELECT CAST($day AS TIMESTAMP) + INTERVAL (h) HOUR AS ts FROM range(1, 25) AS t(h)),
        grid AS (
            SELECT s.code, s.name, s.area, h.ts,
                   v.station_code IS NOT NULL AND coalesce(v.pm25, v.pm10, v.so2, v.no2, v.o3, v.co) IS NOT NULL AS present,
                   v.pm25 IS NOT NULL AS pm25_ok
            FROM seeds.stations s CROSS JOIN hours h
            LEFT JOIN intermediate.air_hourly_valid v ON v.station_code = s.code AND v.ts = h.ts
            WHERE s.in_service
        ),
        runs AS (
            SELECT *, sum(CASE WHEN present THEN 1 ELSE 0 END) OVER (PARTITION BY code ORDER BY ts) AS grp FROM grid
        ),
        longest AS (
            SELECT code, max(n) AS longest_gap
            FROM (SELECT code, grp, count(*) AS n FROM runs WHERE NOT present GROUP BY code, grp) GROUP BY code
        )
        SELECT code, any_value(name) AS name, any_value(area) AS area,
               count(*) FILTER (WHERE present) AS hours_present, count(*) FILTER (WHERE pm25_ok) AS pm25_hours,
               any_value(l.longest_gap) AS longest_gap
        FROM grid LEFT JOIN longest AS l USING (code) GROUP BY code ORDER BY code
        """,
        {"day": day},
    ).with_columns(pl.col("longest_gap").fill_null(0))
    bad = frame.filter((pl.col("longest_gap") >= cfg["silent_hours"]) | (pl.col("pm25_hours") < cfg["min_daily_hours_air"]))
    return [
        _candidate(r["code"], f"{r['area']} {r['name']} ({r['code']})", day, r["hours_present"] / 24 * 100,
                   [{"station": r["code"], "hours with data": r["hours_present"], "valid PM2.5 hours": r["pm25_hours"],
                     "longest silence (h)": r["longest_gap"], "rule": f">= {cfg['silent_hours']} h silent or < "
                     f"{cfg['min_daily_hours_air']} valid PM2.5 hours (GB 3095)"}])
        for r in bad.iter_rows(named=True)
    ]


def water_outages(con: duckdb.DuckDBPyConnection, day: dt.date, cfg: dict) -> list[Candidate]:
    if not has_table(con, "seeds.water_sections") or not fetched(con, "water_readings", day):
        return []
    frame = fetch_polars(
        con,
        """
        WITH r AS (
            SELECT section_code, ts FROM staging.water_readings
            WHERE ts > CAST($day AS TIMESTAMP) - INTERVAL 1 DAY AND ts <= CAST($day AS TIMESTAMP) + INTERVAL 1 DAY
        ),
        marks AS (  -- the readings plus the day's edges, so silence at the start or end of the day counts
            SELECT s.section_code, r.ts FROM seeds.water_sections s JOIN r USING (section_code)
            UNION ALL SELECT section_code, CAST($day AS TIMESTAMP) FROM seeds.water_sections
            UNION ALL SELECT section_code, CAST($day AS TIMESTAMP) + INTERVAL 1 DAY + INTERVAL 4 HOUR FROM seeds.water_sections
        ),
        gaps AS (
            SELECT section_code, ts, date_diff('minute', lag(ts) OVER (PARTITION BY section_code ORDER BY ts), ts) / 60.0 - 4 AS silent
            FROM marks
        ),
        counts AS (SELECT section_code, count(*) AS readings FROM r WHERE CAST(ts - INTERVAL 1 HOUR AS DATE) = $day GROUP BY 1),
        longest AS (
            SELECT section_code, max(silent) AS longest_gap FROM gaps
            WHERE ts > CAST($day AS TIMESTAMP) AND ts <= CAST($day AS TIMESTAMP) + INTERVAL 28 HOUR GROUP BY 1
        )
        SELECT s.section_code, s.name, s.river, coalesce(c.readings, 0) AS readings, l.longest_gap
        FROM seeds.water_sections s LEFT JOIN counts c USING (section_code) LEFT JOIN longest l USING (section_code)
        ORDER BY s.section_code
        """,
        {"day": day},
    )
    bad = frame.filter((pl.col("longest_gap") >= cfg["silent_hours"]) | (pl.col("readings") < cfg["min_daily_readings_water"]))
    return [
        _candidate(r["section_code"], f"{r['river']} {r['name']} ({r['section_code']})", day, r["readings"] / 6 * 100,
                   [{"section": r["section_code"], "readings": r["readings"], "longest silence (h)": r["longest_gap"],
                     "rule": f">= {cfg['silent_hours']} h silent or < {cfg['min_daily_readings_water']} readings"}])
        for r in bad.iter_rows(named=True)
    ]


def _candidate(code: str, label: str, day: dt.date, capture: float, evidence: list[dict]) -> Candidate:
    return Candidate(
        kind="data_outage", subject=code, level="alert", title_zh="数据中断", title_en="data outage", subjects=[label],
        recipients=DATA_OPS, evidence=evidence, capture_pct=round(capture, 1),
        summary_zh=f"{label} {day} 数据不足：请检查站点/断面、传输与数据源。",
        summary_en=f"{label} on {day}: data missing; check the instrument, transmission and source.",
        standard="GB 3095-2012 table 4 data validity; silence threshold from rules.yaml",
    )
