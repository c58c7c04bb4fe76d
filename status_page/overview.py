"""The overview's data (总览): the published snapshot read through ``queries.py`` into one JSON-ready dict.

Plain Python and DuckDB (no Dagster): opened read-only, never the live warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from status_page import queries
from status_page.words import labels

HERE = Path(__file__).resolve().parent
SECTION_COLORS = HERE / "section_colors.csv"
CST = ZoneInfo("Asia/Shanghai")  # the pipeline's times are China Standard Time, naive


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, map(plain, row), strict=True)) for row in cursor.fetchall()]


def plain(value):
    """JSON-ready: dates as ISO text, hours as 'YYYY-MM-DD HH:MM' (CST, end of the hour, as the platform)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def section_colors() -> list[dict]:
    with SECTION_COLORS.open(encoding="utf-8") as f:
        colours = [{**row, "classes_worse": int(row["classes_worse"])} for row in csv.DictReader(f)]
    if [c["classes_worse"] for c in colours] != list(range(len(colours))):
        raise ValueError(f"{SECTION_COLORS}: classes_worse must run 0, 1, 2… (one row each); fix the file")
    return colours


def with_section_colour(sections: list[dict], colours: list[dict]) -> list[dict]:
    for s in sections:
        if s["classes_worse"] is not None:  # the last row covers everything worse
            band = colours[min(s["classes_worse"], len(colours) - 1)]
            s["color"], s["status_zh"], s["status_en"] = band["color_hex"], band["label_zh"], band["label_en"]
    return sections


def open_snapshot(snapshot: Path) -> duckdb.DuckDBPyConnection:
    if not snapshot.exists():
        raise FileNotFoundError(f"{snapshot}: no published snapshot yet; run `envmon run` first")
    return duckdb.connect(str(snapshot), read_only=True)


def build_overview(snapshot: Path, now: dt.datetime | None = None) -> dict:
    with open_snapshot(snapshot) as con:
        alerts = rows(con, queries.ALERTS)
        status = rows(con, queries.DATA_STATUS)[0]
        data = {
            "levels": rows(con, queries.LEVELS),
            "section_colors": section_colors(),
            "areas": rows(con, queries.AREAS),
            "stations": rows(con, queries.STATIONS),
            "sections": with_section_colour(rows(con, queries.SECTIONS), section_colors()),
            "alerts": alerts,
        }
    status["outages"] = [a for a in alerts if a["kind"] == "data_outage"]
    status["demo"] = "generator" in (status["sources"] or "").split(",")
    data["data_status"] = status
    data["labels"] = labels()
    data["snapshot_time"] = plain(dt.datetime.fromtimestamp(snapshot.stat().st_mtime, CST))
    data["built_at"] = plain(now or dt.datetime.now(CST))
    return data
