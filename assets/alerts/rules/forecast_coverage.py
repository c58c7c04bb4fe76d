"""Which areas no forecast covers for the days ahead: D+1 .. D+N (rules.yaml warning.forecast_coverage_days),
counting the forecasts the warning rule can use on D (issued by D+1, with an AQI). Without one, a warning cannot
be raised for that area and only observed-heavy alerts can appear: the asset check forecast_coverage warns,
naming the areas, and data operations are told in the day's digest."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from warehouse.connection import fetch_polars


def forecast_gaps(con: duckdb.DuckDBPyConnection, day: dt.date, days_ahead: int) -> dict[str, list[str]]:
    """Area -> the target days (ISO) of D+1 .. D+days_ahead that no usable forecast covers (empty: all covered)."""
    frame = fetch_polars(
        con,
        """
        WITH targets AS (
            SELECT CAST(unnest(generate_series(CAST(? AS DATE) + 1, CAST(? AS DATE) + ?, INTERVAL 1 DAY)) AS DATE) AS t
        )
        SELECT a.area, list(strftime(t.t, '%Y-%m-%d') ORDER BY t.t) AS missing
        FROM seeds.areas a CROSS JOIN targets t
        WHERE NOT EXISTS (
            SELECT 1 FROM forecast.aqi_daily f
            WHERE f.area = a.area AND f.target_date = t.t AND f.aqi IS NOT NULL
              AND f.issue_date <= least(t.t, CAST(? AS DATE) + 1)
        )
        GROUP BY a.area ORDER BY a.area
        """,
        [day, day, days_ahead, day],
    )
    return dict(frame.iter_rows())


def record_evaluation(
    con: duckdb.DuckDBPyConnection, day: dt.date, now: dt.datetime, gaps: dict[str, list[str]]
) -> None:
    """The day was evaluated (within the caller's transaction): when, and the forecast gaps it found."""
    con.execute(
        "INSERT OR REPLACE INTO alerts.evaluations VALUES (?, ?, ?)", [day, now, json.dumps(gaps, ensure_ascii=False)]
    )


def unreported_gaps(
    con: duckdb.DuckDBPyConnection, until: dt.date, recipients: list[str]
) -> dict[tuple[str, dt.date], dict[str, list[str]]]:
    """(recipient, day) -> forecast gaps of the evaluated days up to ``until`` that the recipient's digest of that
    day has not reported yet (no digest of that day for that recipient yet)."""
    if not recipients:
        return {}
    frame = fetch_polars(
        con,
        "SELECT r.recipient, e.day, e.forecast_gaps FROM alerts.evaluations e, "
        "(SELECT unnest(?) AS recipient) r WHERE e.day <= ? AND e.forecast_gaps <> '{}' AND NOT EXISTS "
        "(SELECT 1 FROM alerts.digests d WHERE d.recipient = r.recipient AND d.day = e.day)",
        [recipients, until],
    )
    return {(r, d): json.loads(g) for r, d, g in frame.iter_rows()}
