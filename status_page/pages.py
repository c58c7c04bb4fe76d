"""The pages beyond the overview, written by the same build from the same snapshot: one JSON per area, station and
section (``places/<kind>/<id>.json``, read by ``<kind>.html?id=…``), ``places/common.json``, one assessment per
month (``assessment/<YYYY-MM>.json``, read by ``assessment.html?month=…``; the latest also as ``assessment.json``),
and copies of the reports that exist (``reports/``, so that one folder serves everything).

Files of places no longer in the catalog, and copies of reports no longer there, are removed: the folder holds what
the snapshot holds. Each file is written beside itself and renamed over it (``build.replace_file``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from status_page.assessment import build_assessments, latest, report_files
from status_page.places import KINDS, build_places, common

SITE = Path(__file__).resolve().parent / "site"
PAGE_FILES = [SITE / f for f in ("area.html", "station.html", "section.html", "assessment.html", "place.js",
                                 "assessment.js", "pages.css")]  # fmt: skip


def read_pages(snapshot: Path, reports: Path | None) -> dict:
    """Everything the pages show, read from the snapshot (read-only) before anything is written."""
    files = report_files(reports)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        shared = common(con)
        months = build_assessments(con, files, shared["demo"])
        return {
            "places": build_places(con),
            "common": shared,
            "assessment": latest(months, files, shared["demo"]),
            "assessment_months": months,
            "report_files": files,
        }


def as_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_pages(pages: dict, folder: Path, replace_file) -> int:
    """Write the pages' files into ``folder``; returns how many place files were written."""
    written = 0
    for kind in KINDS:
        target = folder / "places" / kind
        names = {f"{place_id}.json" for place_id in pages["places"][kind]}
        for place_id, data in pages["places"][kind].items():
            replace_file(target / f"{place_id}.json", as_json(data))
        written += len(names)
        remove_others(target, names)
    replace_file(folder / "places" / "common.json", as_json(pages["common"]))
    replace_file(folder / "assessment.json", as_json(pages["assessment"]))
    for label, data in pages["assessment_months"].items():
        replace_file(folder / "assessment" / f"{label}.json", as_json(data))
    remove_others(folder / "assessment", {f"{label}.json" for label in pages["assessment_months"]})
    copies = folder / "reports"
    for report in pages["report_files"]:
        source, target = report["source"], copies / report["source"].name
        if not same_file(source, target):  # a year of reports is not re-read on every build
            replace_file(target, source.read_bytes())
            stat = source.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    remove_others(copies, {r["source"].name for r in pages["report_files"]})
    return written


def same_file(source: Path, copy: Path) -> bool:
    """The copy is the source's: same size and modification time (the copy takes the source's)."""
    if not copy.exists():
        return False
    a, b = source.stat(), copy.stat()
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def remove_others(folder: Path, keep: set[str]) -> None:
    if folder.is_dir():
        for f in folder.iterdir():
            if f.is_file() and f.name not in keep:
                f.unlink()
