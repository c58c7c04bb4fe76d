"""The status page's overview (总览) load time in headless Chromium, on the region's catalog and the national one
(issue 26). Targets: the overview drawn in under 1 s on the region's data, under 3 s on the national catalog.

For each case: an `envmon run` of a few generated days into its own data folder (skipped when the folder already
holds a snapshot), the page built from the snapshot (timed), then ``--opens`` visits in a fresh browser each (an
empty cache: a first visit, the worst case) served by ``envmon serve``'s handler on 127.0.0.1 (no gzip: a web
server with gzip sends ECharts at a third of its size). Per visit: the time from navigation to the ``load`` event,
the data received (overview.json, areas.geojson), and the map drawn (the page's ``data-ready`` mark, set after
ECharts drew, then the next painted frame).

    python -m bench status_page [--work DIR] [--days 3] [--opens 7] [--cases region,national]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT.parent / "shared" / "data" / "cnemc_air" / "stations_national_2018.csv"
CASES = {"region": [], "national": ["--stations", str(NATIONAL)]}
TARGETS = {"region": 1.0, "national": 3.0}  # seconds to the map drawn
FIRST_DAY = dt.date(2025, 11, 4)  # the generator's November 2025 episode: warnings in force on the page

DRAWN = """
() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const data = Math.max(...performance.getEntriesByType("resource").filter((r) => /json$/.test(r.name))
    .map((r) => r.responseEnd));
  resolve({ load: nav.loadEventEnd, data, drawn: performance.now(), ready: document.body.dataset.ready });
})))
"""


def build_snapshot(folder: Path, case: str, days: int) -> float:
    """An `envmon run` of ``days`` generated days into ``folder`` (once); returns its seconds (0 when reused)."""
    if (folder / "published" / "envmon.duckdb").exists():
        return 0.0
    env = {**os.environ, "ENVMON_DATA_DIR": str(folder), "DAGSTER_HOME": str(folder / "dagster")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    last = FIRST_DAY + dt.timedelta(days=days - 1)
    argv = [sys.executable, "-m", "pipelines", "run", "--start", str(FIRST_DAY), "--end", str(last), *CASES[case]]
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{case}: envmon run failed (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr}")
    return time.perf_counter() - start


def visits(folder: Path, opens: int) -> list[dict]:
    import functools
    import threading

    from playwright.sync_api import sync_playwright

    from status_page.serve import StatusHandler, make_server
    from tests.browser import CHROMIUM

    class Quiet(StatusHandler):
        def log_message(self, *args):  # one line per request would bury the figures
            pass

    server = make_server(folder, "127.0.0.1", 0)
    server.RequestHandlerClass = functools.partial(Quiet, directory=str(folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://{}:{}/".format(*server.server_address[:2])
    out = []
    try:
        with sync_playwright() as pw:
            for _ in range(opens):
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
                try:
                    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                    page.goto(url)
                    page.wait_for_selector("body[data-ready]", timeout=60_000)
                    seen = page.evaluate(DRAWN)
                    if seen["ready"] != "true":
                        raise SystemExit(f"{url}: the page did not load its data ({page.inner_text('#as-of')})")
                    out.append({k: seen[k] / 1000 for k in ("load", "data", "drawn")})
                finally:
                    browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def sizes(folder: Path) -> dict[str, float]:
    """kB of the data files the overview loads, and of all alert pages' JSON together."""
    alerts = list((folder / "alerts").glob("*.json"))
    return {
        "overview.json": (folder / "overview.json").stat().st_size / 1000,
        "areas.geojson": (folder / "areas.geojson").stat().st_size / 1000,
        "echarts.min.js": (folder / "vendor" / "echarts" / "echarts.min.js").stat().st_size / 1000,
        f"alerts/*.json ({len(alerts)})": sum(p.stat().st_size for p in alerts) / 1000,
    }


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench status_page")
    parser.add_argument("--work", type=Path, default=Path("/tmp/envmon_bench_status_page"))
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--opens", type=int, default=7)
    parser.add_argument("--cases", default="region,national")
    args = parser.parse_args(argv)
    from status_page.build import build_status_page

    for case in args.cases.split(","):
        if case not in CASES:
            print(f"--cases: {case!r} is not one of {', '.join(CASES)}", file=sys.stderr)
            return 2
        if case == "national" and not NATIONAL.exists():
            print(f"{NATIONAL}: the national catalog is not here (../shared/data)", file=sys.stderr)
            return 2
        data = args.work / case
        ran = build_snapshot(data, case, args.days)
        start = time.perf_counter()
        build_status_page(data / "published" / "envmon.duckdb", data / "status", data / "reports")
        built = time.perf_counter() - start
        times = visits(data / "status", args.opens)
        drawn = statistics.median(t["drawn"] for t in times)
        verdict = "met" if drawn < TARGETS[case] else "MISSED"
        print(f"\n{case}: {args.days} day(s) run in {ran:.0f} s (0: reused), page built in {built:.2f} s")
        print(f"  load event: {spread([t['load'] for t in times])}")
        print(f"  JSON in:    {spread([t['data'] for t in times])} (overview.json and areas.geojson received)")
        print(f"  map drawn:  {spread([t['drawn'] for t in times])} of {len(times)} first visits; ", end="")
        print(f"target < {TARGETS[case]:.0f} s: {verdict}")
        print("  sizes: " + ", ".join(f"{name} {kb:,.1f} kB" for name, kb in sizes(data / "status").items()))
    print(f"\nmachine: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    return 0
