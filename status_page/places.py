"""The area, station and section pages' data (地区 / 站点 / 断面): one JSON per place under ``places/<kind>/<id>.json``,
read by one HTML template per kind (``area.html?id=自贡``, ``station.html?id=1882A``, ``section.html?id=CJ04``).

One query per kind for all places (``place_queries.py``), grouped here: thousands of stations cost one scan of 30
days and one small file each, never one query each. Plain Python and DuckDB, no Dagster.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import duckdb

from status_page import place_queries as q
from status_page import queries
from status_page.overview import plain, rows, section_colors, with_section_colour
from status_page.words import labels

KINDS = ("area", "station", "section")
SAFE_ID = re.compile(r"[\w.-]+")  # a file name on every file system and in a URL; \w includes Chinese


def by_id(records: Iterable[dict]) -> dict[str, list[dict]]:
    """Rows sorted by ``id`` grouped into {id: [rows without id]} (the queries sort them)."""
    return {
        key: [{k: v for k, v in r.items() if k != "id"} for r in group]
        for key, group in itertools.groupby(records, key=lambda r: r["id"])
    }


def check_ids(kind: str, places: list[dict]) -> None:
    for p in places:
        if not SAFE_ID.fullmatch(str(p["id"])):
            raise ValueError(
                f"seeds of {kind}s: id {p['id']!r} cannot be a file name of the status page (letters, digits, "
                "'.', '-', '_' only); fix the code in the seed CSV"
            )


def alerts_by_place(alerts: list[dict], areas: list[dict], stations: list[dict]) -> dict[tuple[str, str], list]:
    """Each place's alerts: a section its own (river alerts); an area its own and the regional ones; a station
    those of its area (stations have no alerts of their own)."""
    own: dict[tuple[str, str], list] = {}
    for a in alerts:
        a["changes"] = [{k: plain(v) for k, v in c.items()} for c in a["changes"] or []]
        own.setdefault(("section" if a["kind"].startswith("river") else "area", a["subject"]), []).append(a)
    region = own.get(("area", "region"), [])
    out = {("area", a["id"]): own.get(("area", a["id"]), []) + region for a in areas}
    out |= {("station", s["id"]): out.get(("area", s["area"]), region) for s in stations}
    return out | {k: v for k, v in own.items() if k[0] == "section"}


def build_places(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, dict]]:
    """{kind: {id: the page's data}} for every area, station in service and section of the snapshot."""
    areas, stations, sections = rows(con, q.AREAS), rows(con, q.STATIONS), rows(con, q.SECTIONS)
    for kind, places in zip(KINDS, (areas, stations, sections), strict=True):
        check_ids(kind, places)
    air = {
        "area": by_id(rows(con, q.air_days("marts.air_area_daily", "area"))),
        "station": by_id(rows(con, q.air_days("marts.air_station_daily", "station_code"))),
    }
    readings = by_id(with_section_colour(rows(con, q.section_readings()), section_colors()))
    alerts = alerts_by_place(rows(con, q.alerts()), areas, stations)
    out: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
    for a in areas:
        stations_here = [{"id": s["id"], "name": s["name"]} for s in stations if s["area"] == a["id"]]
        sections_here = [{"id": s["id"], "name": s["name"]} for s in sections if s["area"] == a["id"]]
        out["area"][a["id"]] = {
            "place": a, "days": air["area"].get(a["id"], []), "alerts": alerts[("area", a["id"])],
            "stations": stations_here, "sections": sections_here,
        }  # fmt: skip
    for s in stations:
        out["station"][s["id"]] = {
            "place": s,
            "days": air["station"].get(s["id"], []),
            "alerts": alerts[("station", s["id"])],
        }
    for s in sections:
        out["section"][s["id"]] = {
            "place": s,
            "readings": readings.get(s["id"], []),
            "alerts": alerts.get(("section", s["id"]), []),
        }
    return out


def common(con: duckdb.DuckDBPyConnection) -> dict:
    """What every place page needs once (in ``places/common.json``): the AQI levels, the water classes, the
    section colour bands."""
    windows = rows(con, q.WINDOWS)[0]
    return {
        "windows": {k: windows[k] for k in ("air_end", "water_end", "alerts_end")},
        "demo": "generator" in (windows["sources"] or "").split(","),  # generated data carry the demo banner
        "levels": rows(con, queries.LEVELS),
        "water_classes": rows(con, q.WATER_CLASSES),
        "water_parameters": {p["parameter"]: [p["name_zh"], p["name_en"]] for p in rows(con, q.WATER_PARAMETERS)},
        "section_colors": section_colors(),
        "window_days": q.WINDOW_DAYS,
        "labels": labels(),
    }
