"""Write the status page into ``<data folder>/status/``: the page, its vendored assets, the area boundaries and
``overview.json`` built from the published snapshot.

Static files (and no server of its own) so that any web server, the office's reverse proxy or ``envmon serve``
can serve them read-only (docs/status-page.md). Each file is written beside its target and renamed over it
(atomic on one file system): a reader gets the old page or the new one, never half a file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from status_page.alert_pages import write_alert_pages
from status_page.overview import build_overview, open_snapshot
from status_page.pages import PAGE_FILES, read_pages, write_pages

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
STATIC = {  # source -> path in the status folder
    SITE / "index.html": "index.html",
    SITE / "dom.js": "dom.js",
    SITE / "status.js": "status.js",
    SITE / "overview-data.js": "overview-data.js",
    SITE / "status.css": "status.css",
    SITE / "alert.html": "alert.html",
    SITE / "alert.js": "alert.js",
    HERE / "geo" / "areas.geojson": "areas.geojson",
    **{f: f"vendor/echarts/{f.name}" for f in sorted((HERE / "vendor" / "echarts").iterdir())},
    **{f: f.name for f in PAGE_FILES},  # the area, station, section and assessment pages (pages.py)
}

log = logging.getLogger(__name__)


def replace_file(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # two processes (a run, `envmon ack`) never share one
    tmp.write_bytes(content)
    os.replace(tmp, target)


def build_status_page(snapshot: Path, folder: Path, reports: Path) -> Path:
    """The page for ``snapshot`` in ``folder``; returns the index's path. The data first: a snapshot that cannot
    be read leaves the last page as it was. ``reports``: the folder `envmon report` writes into (linked if there;
    every build passes it, since the copies of reports no longer there are removed)."""
    data = build_overview(snapshot)
    pages = read_pages(snapshot, reports)
    for source, name in STATIC.items():
        target = folder / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            replace_file(target, source.read_bytes())
    with open_snapshot(snapshot) as con:
        write_alert_pages(con, folder, replace_file)  # alert.html?id=…: one JSON per alert (alert_pages.py)
    replace_file(folder / "overview.json", json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    write_pages(pages, folder, replace_file)
    return folder / "index.html"


def refresh_after_publish(
    snapshot: Path, folder: Path, reports: Path, warn: Callable[[str], None] = log.warning
) -> Path | None:
    """For the publish step: the page refreshed, or ``warn`` told why not. A page that cannot be built never fails
    a run (the snapshot, what staff query, is already published); ``envmon status`` shows the error itself."""
    try:
        return build_status_page(snapshot, folder, reports)
    except Exception as exc:  # deliberate: the page is a by-product of the run, never a reason to fail it
        warn(
            f"status page not refreshed ({type(exc).__name__}: {exc}); the snapshot is published. Rebuild: "
            "envmon status"
        )
        return None
