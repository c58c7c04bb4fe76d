"""Data outage alerts for the data-operations contact: a region station (of the ten areas, whatever the catalog) or
section silent for too long on day D, or a day below the validity rule (fewer valid hourly PM2.5 values than GB 3095
needs; fewer river readings than configured).
Only for a day whose daily batch was fetched (meta.batches, an empty batch included): a day before the pipeline
ran, or one that only a late reading or a monitoring-centre file touched, is not an outage of the feed.

The text says what happened to the day's data (``outage_status``): hours (readings) that never arrived, values that
arrived but were invalidated by a quality flag (named), and data that arrived late (with a later day's batch, or
in a monitoring-centre file). The capture figure is the share of valid hours as GB 3095 counts it: valid PM2.5
hours / 24 for a station; readings with a valid value / the regular number of readings for a river section.

The longest silence counts the labels of day D without a valid value (air: no pollutant valid in the hour; water:
no reading), so 6 silent hours = 6 missing hourly labels; for 4-hourly river readings, the gap between two readings
minus the regular 4 hours.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from assets.alerts.rules.air_inputs import has_table
from assets.alerts.rules.candidates import NO_PLACE, Candidate
from assets.alerts.rules.outage_status import air_details, air_status, flags_text, water_details, water_status
from assets.alerts.rules.rules_config import OutageRules
from warehouse.connection import fetch_one, fetch_polars

# Batches that are no daily feed: monitoring-centre files, and the empty daily batch of the river source `landing`
# (its readings arrive only as files: silent sections are no outage of a feed it does not have).
NOT_A_FEED = ["file", "landing"]


def fetched(con: duckdb.DuckDBPyConnection, dataset: str, day: dt.date) -> bool:
    """Whether the daily feed of ``dataset`` was fetched for ``day`` (monitoring-centre files do not count)."""
    return (
        fetch_one(
            con,
            "SELECT count(*) FROM meta.batches WHERE dataset = ? AND load_partition = ? "
            "AND NOT list_contains(?, source)",
            [dataset, day, NOT_A_FEED],
        )[0]
        > 0
    )


def air_outages(con: duckdb.DuckDBPyConnection, day: dt.date, cfg: OutageRules) -> list[Candidate]:
    if not has_table(con, "intermediate.air_hourly_valid") or not fetched(con, "air_hourly", day):
        return []
    frame = fetch_polars(
        con,
        """
        WITH hours AS (SELECT CAST($day AS TIMESTAMP) + INTERVAL (h) HOUR AS ts FROM range(1, 25) AS t(h)),
        raw AS (  -- what arrived: a row with any value; late = staged by the batch of a later day
            SELECT station_code, ts, bool_or(load_partition > $day) AS late
            FROM staging.air_hourly
            WHERE ts > CAST($day AS TIMESTAMP) AND ts <= CAST($day AS TIMESTAMP) + INTERVAL 1 DAY
              AND coalesce(pm25, pm10, so2, no2, o3, co) IS NOT NULL
            GROUP BY ALL
        ),
        grid AS (
            SELECT s.code, s.name, s.area, h.ts, r.station_code IS NOT NULL AS received,
                   coalesce(r.late, false) AS late,
                   coalesce(v.pm25, v.pm10, v.so2, v.no2, v.o3, v.co) IS NOT NULL AS present,
                   v.pm25 IS NOT NULL AS pm25_ok
            FROM seeds.stations s CROSS JOIN hours h
            LEFT JOIN raw r ON r.station_code = s.code AND r.ts = h.ts
            LEFT JOIN intermediate.air_hourly_valid v ON v.station_code = s.code AND v.ts = h.ts
            -- the region's stations only: a national catalog's other stations are context, not the office's feed
            WHERE s.in_service AND s.area IN (SELECT area FROM seeds.areas)
        ),
        runs AS (
            SELECT *, sum(CASE WHEN present THEN 1 ELSE 0 END) OVER (PARTITION BY code ORDER BY ts) AS grp FROM grid
        ),
        longest AS (
            SELECT code, max(n) AS longest_gap
            FROM (SELECT code, grp, count(*) AS n FROM runs WHERE NOT present GROUP BY code, grp) GROUP BY code
        )
        SELECT code, any_value(name) AS name, any_value(area) AS area,
               count(*) FILTER (WHERE received) AS hours_received, count(*) FILTER (WHERE late) AS hours_late,
               count(*) FILTER (WHERE pm25_ok) AS pm25_hours, any_value(l.longest_gap) AS longest_gap
        FROM grid LEFT JOIN longest AS l USING (code) GROUP BY code ORDER BY code
        """,
        {"day": day},
    ).with_columns(pl.col("longest_gap").fill_null(0))
    bad = frame.filter((pl.col("longest_gap") >= cfg.silent_hours) | (pl.col("pm25_hours") < cfg.min_daily_hours_air))
    if bad.height == 0:
        return []
    invalid = air_details(con, day, bad["code"].to_list())
    out = []
    for r in bad.iter_rows(named=True):
        label = f"{r['area']} {r['name']} ({r['code']})"
        flags = invalid.get(r["code"], [])
        zh, en = air_status(r, flags, cfg)
        out.append(
            _candidate(
                r["code"],
                label,
                day,
                r["pm25_hours"] / 24 * 100,
                "air",
                zh,
                en,
                [
                    {
                        "站点 station": r["code"],
                        "收到小时 hours received": r["hours_received"],
                        "缺测小时 hours missing": 24 - r["hours_received"],
                        "迟到小时 hours late": r["hours_late"],
                        "PM2.5有效小时 valid PM2.5 hours": r["pm25_hours"],
                        "最长无有效数据(h) longest silence (h)": r["longest_gap"],
                        "无效值 invalidated values": flags_text(flags, "；", " ×") or "—",
                    }
                ],
                f"GB 3095-2012 table 4: a daily mean needs >= {cfg.min_daily_hours_air} valid hours; "
                f"silence threshold {cfg.silent_hours} h (rules.yaml)",
                f"GB 3095-2012 表4：日均值至少需{cfg.min_daily_hours_air}个有效小时；"
                f"连续{cfg.silent_hours}小时无有效数据即告警（rules.yaml）",
            )
        )
    return out


def water_outages(con: duckdb.DuckDBPyConnection, day: dt.date, cfg: OutageRules, expected: int = 6) -> list[Candidate]:
    """``expected``: the regular readings of a natural day (rules.yaml river.daily_readings)."""
    if not has_table(con, "seeds.water_sections") or not fetched(con, "water_readings", day):
        return []
    frame = fetch_polars(
        con,
        """
        WITH r AS (
            SELECT section_code, ts,
                   bool_or(source = 'file' OR load_partition > CAST(ts - INTERVAL 1 HOUR AS DATE)) AS late
            FROM staging.water_readings
            WHERE ts > CAST($day AS TIMESTAMP) - INTERVAL 1 DAY AND ts <= CAST($day AS TIMESTAMP) + INTERVAL 1 DAY
            GROUP BY ALL
        ),
        marks AS (  -- the readings plus the day's edges, so silence at the start or end of the day counts
            SELECT s.section_code, r.ts FROM seeds.water_sections s JOIN r USING (section_code)
            UNION ALL SELECT section_code, CAST($day AS TIMESTAMP) FROM seeds.water_sections
            UNION ALL
            SELECT section_code, CAST($day AS TIMESTAMP) + INTERVAL 1 DAY + INTERVAL 4 HOUR FROM seeds.water_sections
        ),
        gaps AS (
            SELECT section_code, ts,
                   date_diff('minute', lag(ts) OVER (PARTITION BY section_code ORDER BY ts), ts) / 60.0 - 4 AS silent
            FROM marks
        ),
        counts AS (
            SELECT section_code, count(*) AS readings, count(*) FILTER (WHERE late) AS late
            FROM r WHERE CAST(ts - INTERVAL 1 HOUR AS DATE) = $day GROUP BY 1
        ),
        longest AS (
            SELECT section_code, max(silent) AS longest_gap FROM gaps
            WHERE ts > CAST($day AS TIMESTAMP) AND ts <= CAST($day AS TIMESTAMP) + INTERVAL 28 HOUR GROUP BY 1
        )
        SELECT s.section_code, s.name, s.river, coalesce(c.readings, 0) AS readings, coalesce(c.late, 0) AS late,
               l.longest_gap
        FROM seeds.water_sections s LEFT JOIN counts c USING (section_code) LEFT JOIN longest l USING (section_code)
        ORDER BY s.section_code
        """,
        {"day": day},
    )
    bad = frame.filter(
        (pl.col("longest_gap") >= cfg.silent_hours) | (pl.col("readings") < cfg.min_daily_readings_water)
    )
    if bad.height == 0:
        return []
    invalid = water_details(con, day, bad["section_code"].to_list())
    out = []
    for r in bad.iter_rows(named=True):
        label = section_label(r["river"], r["name"], r["section_code"])
        flags = invalid.get(r["section_code"], [])
        zh, en = water_status(r, flags, cfg, expected)
        out.append(
            _candidate(
                r["section_code"],
                label,
                day,
                min(r["readings"], expected) / expected * 100,
                "water",
                zh,
                en,
                [
                    {
                        "断面 section": r["section_code"],
                        "读数 readings": r["readings"],
                        "应有 expected": expected,
                        "迟到 late": r["late"],
                        "最长无读数(h) longest silence (h)": r["longest_gap"],
                        "无效值 invalidated values": flags_text(flags, "；", " ×") or "—",
                    }
                ],
                f"{cfg.min_daily_readings_water} of the {expected} regular 4-hourly readings a day; "
                f"silence threshold {cfg.silent_hours} h beyond the 4-hour rhythm (rules.yaml)",
                f"每日{expected}次常规监测（每4小时）中至少{cfg.min_daily_readings_water}次；"
                f"超出4小时监测频次{cfg.silent_hours}小时无读数即告警（rules.yaml）",
            )
        )
    return out


def section_label(river: str, name: str, code: str | None = None) -> str:
    """'濑溪河 泸县入境 (LXH05)': the river once, whether or not the catalog's section name already starts with it."""
    named = name if name.startswith(river) else f"{river} {name}"
    return f"{named} ({code})" if code else named


def _candidate(
    code: str,
    label: str,
    day: dt.date,
    capture: float,
    feed: str,
    zh: str,
    en: str,
    evidence: list[dict],
    standard: str,
    standard_zh: str,
) -> Candidate:
    return Candidate(
        kind="data_outage",
        subject=code,
        level="alert",
        title_zh="数据中断",
        title_en="data outage",
        subjects=[label],
        recipients=NO_PLACE,
        evidence=evidence,
        capture_pct=round(capture, 1),
        topic=f"outage:{feed}",
        summary_zh=f"{label} {day}：{zh}",
        summary_en=f"{label} on {day}: {en}",
        standard=standard,
        standard_zh=standard_zh,
    )
