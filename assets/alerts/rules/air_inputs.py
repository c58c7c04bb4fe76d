"""What the air rules read from the warehouse (SQL), and the observed-heavy-pollution rule.

Tables that another part of the pipeline has not built yet read as empty, so one missing mart never stops the
other rules.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import polars as pl

from assets.alerts.rules.candidates import Candidate, area_places
from assets.alerts.rules.rules_config import ObservedRules
from warehouse.connection import fetch_one, fetch_polars

FALLBACK_SOURCES = ("open_meteo",)  # forecasts used only where no official one covers the area-day


def query(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pl.DataFrame:
    """A Polars frame of ``sql`` with the named ``$parameters`` it uses (duckdb refuses unused ones)."""
    return fetch_polars(con, sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)})


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    schema, table = name.split(".")
    sql = (
        "SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables() WHERE schema_name = ? UNION ALL "
        "SELECT view_name FROM duckdb_views() WHERE schema_name = ?) WHERE n = ?"
    )
    return fetch_one(con, sql, [schema, schema, table])[0] > 0


def daily_series(con: duckdb.DuckDBPyConnection, day: dt.date, lookback_days: int, horizon_days: int) -> pl.DataFrame:
    """Per area x day (D - lookback .. D + horizon): observed daily AQI where there is one, else the latest
    forecast issued by then (for days after D: issued up to D + 1, the morning the daily run happens).
    The official forecasts (files, the generator's) come first; a fallback source (Open-Meteo) counts only for the
    area-days they do not cover. Several sources with the same latest issue date: the highest AQI (the
    precautionary choice)."""
    first, last = day - dt.timedelta(days=lookback_days), day + dt.timedelta(days=horizon_days)
    observed = (
        "SELECT area, day, aqi FROM marts.air_area_daily WHERE aqi IS NOT NULL AND day BETWEEN $first AND $day"
        if has_table(con, "marts.air_area_daily")
        else "SELECT NULL::VARCHAR AS area, NULL::DATE AS day, NULL::INT AS aqi WHERE false"
    )
    return query(
        con,
        f"""
        WITH obs AS ({observed}),
        usable AS (
            SELECT area, target_date AS day, issue_date, aqi, list_contains($fallback, source) AS fallback
            FROM forecast.aqi_daily
            WHERE aqi IS NOT NULL AND target_date BETWEEN $first AND $last
              AND issue_date <= least(target_date, $day + INTERVAL 1 DAY)
        ),
        preferred AS (  -- the primary sources where they cover the area-day, else the fallback
            SELECT * FROM usable QUALIFY fallback = bool_and(fallback) OVER (PARTITION BY area, day)
        ),
        issued AS (SELECT *, max(issue_date) OVER (PARTITION BY area, day) AS latest FROM preferred),
        fc AS (SELECT area, day, max(aqi) AS aqi FROM issued WHERE issue_date = latest GROUP BY area, day),
        days AS (SELECT CAST(unnest(generate_series($first, $last, INTERVAL 1 DAY)) AS DATE) AS day)
        SELECT a.area, a.province, d.day, CAST(coalesce(o.aqi, f.aqi) AS INTEGER) AS aqi,
               o.aqi IS NOT NULL AS observed
        FROM seeds.areas AS a CROSS JOIN days AS d
        LEFT JOIN obs AS o ON o.area = a.area AND o.day = d.day
        LEFT JOIN fc AS f ON f.area = a.area AND f.day = d.day
        WHERE coalesce(o.aqi, f.aqi) IS NOT NULL
        ORDER BY a.area, d.day
        """,
        {"first": first, "last": last, "day": day, "fallback": list(FALLBACK_SOURCES)},
    )


def area_capture(con: duckdb.DuckDBPyConnection, day: dt.date) -> dict[str, float]:
    """Data capture of day D per area: valid PM2.5 station-hours / (24 x in-service stations), in %."""
    if not has_table(con, "intermediate.air_hourly_valid"):
        return {}
    frame = fetch_polars(
        con,
        "SELECT s.area, 100.0 * count(v.pm25) / (24 * count(DISTINCT s.code)) AS pct "
        "FROM seeds.stations s LEFT JOIN intermediate.air_hourly_valid v ON v.station_code = s.code AND v.day = ? "
        "WHERE s.in_service GROUP BY s.area",
        [day],
    )
    return {a: round(p, 1) for a, p in frame.iter_rows()}


def observed_heavy(
    con: duckdb.DuckDBPyConnection,
    day: dt.date,
    cfg: ObservedRules,
    warned: set[str],
    status: dict[str, tuple[str, str]] | None = None,
) -> list[Candidate]:
    """Areas with a heavy-pollution day (daily AQI above the threshold) or a rolling 24-h AQI above it for enough
    hours on day D, where no warning was active: the forecast missed it. ``status``: per area, what the text says
    about the warnings (``warning_status``: none in force, lifted on a given day, the regional warning)."""
    if not has_table(con, "marts.air_area_daily"):
        return []
    rolling = (
        "SELECT area, count(*) FILTER (WHERE aqi_24h > $roll) AS hours_over, "
        "list(strftime(ts, '%H:%M') ORDER BY ts) FILTER (WHERE aqi_24h > $roll) AS hours "
        "FROM marts.air_area_hourly_rolling WHERE day = $day GROUP BY area"
        if has_table(con, "marts.air_area_hourly_rolling")
        else "SELECT NULL::VARCHAR AS area, 0 AS hours_over, []::VARCHAR[] AS hours WHERE false"
    )
    areas = query(
        con,
        f"""
        WITH r AS ({rolling})
        SELECT a.area, a.province, a.aqi, a.primary_pollutant, a.stations_used,
               coalesce(r.hours_over, 0) AS hours_over, r.hours
        FROM marts.air_area_daily a LEFT JOIN r USING (area)
        WHERE a.day = $day AND (a.aqi > $daily OR coalesce(r.hours_over, 0) >= $min_hours)
        """,
        {
            "day": day,
            "daily": cfg.daily_aqi_above,
            "roll": cfg.rolling_24h_aqi_above,
            "min_hours": cfg.rolling_min_hours,
        },
    ).filter(~pl.col("area").is_in(list(warned)))
    if areas.height == 0:
        return []
    stations = _station_evidence(con, day, areas["area"].to_list())
    capture = area_capture(con, day)
    out = []
    for a in areas.iter_rows(named=True):
        aqi = a["aqi"]
        level = "severe" if aqi is not None and aqi > 300 else "heavy"
        basis_zh = f"日AQI {aqi}" if aqi is not None and aqi > cfg.daily_aqi_above else ""
        if a["hours_over"] >= cfg.rolling_min_hours:
            basis_zh += f"{'，' if basis_zh else ''}滚动24小时AQI>{cfg.rolling_24h_aqi_above}共{a['hours_over']}小时"
        hours = ", ".join(a["hours"] or [])
        hours_zh = "、".join(a["hours"] or [])
        said = (status or {}).get(a["area"], ("当日无预警", "no warning was in force"))
        out.append(
            Candidate(
                kind="observed_heavy",
                subject=a["area"],
                level=level,
                title_zh="重污染天气（未预警）",
                title_en="heavy pollution observed without a warning",
                subjects=[a["area"]],
                recipients=area_places(a["area"]),
                evidence=stations.filter(pl.col("area") == a["area"]).drop("area").to_dicts(),
                summary_zh=f"{a['area']} {day} 实测{basis_zh}，首要污染物 {a['primary_pollutant'] or '—'}，{said[0]}。"
                + (f"超标时段（滚动24小时）：{hours_zh}" if hours_zh else ""),
                summary_en=f"{a['area']} on {day}: daily AQI {aqi}, {a['hours_over']} h of rolling 24-h AQI above "
                f"{cfg.rolling_24h_aqi_above}; {said[1]}." + (f" Hours: {hours}" if hours else ""),
                standard=f"HJ 633 daily AQI; rule: daily AQI > {cfg.daily_aqi_above} or rolling 24-h AQI > "
                f"{cfg.rolling_24h_aqi_above} for >= {cfg.rolling_min_hours} h",
                standard_zh=f"HJ 633 日AQI；规则：日AQI>{cfg.daily_aqi_above}，或滚动24小时AQI>"
                f"{cfg.rolling_24h_aqi_above}累计{cfg.rolling_min_hours}小时及以上",
                capture_pct=capture.get(a["area"]),
            )
        )
    return out


def _station_evidence(con: duckdb.DuckDBPyConnection, day: dt.date, areas: list[str]) -> pl.DataFrame:
    hourly = (
        "SELECT station_code, count(*) FILTER (WHERE aqi > 200) AS h, "
        "strftime(min(ts) FILTER (WHERE aqi > 200), '%H:%M') AS t0, "
        "strftime(max(ts) FILTER (WHERE aqi > 200), '%H:%M') AS t1 "
        "FROM marts.air_hourly_aqi WHERE day = $day GROUP BY station_code"
        if has_table(con, "marts.air_hourly_aqi")
        else "SELECT NULL::VARCHAR AS station_code, 0 AS h, NULL AS t0, NULL AS t1 WHERE false"
    )
    daily = "marts.air_station_daily" if has_table(con, "marts.air_station_daily") else None
    return query(
        con,
        f"""
        WITH h AS ({hourly})
        SELECT s.area, s.code AS "站点 station", s.name AS "名称 name",
               {"d.aqi" if daily else "NULL"} AS "日AQI daily AQI",
               {"d.primary_pollutant" if daily else "NULL"} AS "首要污染物 primary",
               coalesce(h.h, 0) AS "小时AQI>200 hours", h.t0 || '–' || h.t1 AS "时段 hours"
        FROM seeds.stations s
        {f"LEFT JOIN {daily} d ON d.station_code = s.code AND d.day = $day" if daily else ""}
        LEFT JOIN h ON h.station_code = s.code
        WHERE s.in_service AND list_contains($areas, s.area)
        ORDER BY s.area, s.code
        """,
        {"day": day, "areas": areas},
    )
