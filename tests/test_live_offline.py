"""`envmon run` with a live source and no network: it fails within the deadline in one line naming the host and the
setting; the Open-Meteo fallback forecast warns in the same time and the day's alerts go on. The "network" is a
server on 127.0.0.1 that accepts connections and never answers; short settings (2 s timeouts, 5 s deadline)."""

import os
import subprocess
import sys
from pathlib import Path

from tests.http_replay import FIXTURES
from tests.silent_servers import BlackHole
from warehouse.connection import fetch_polars, read_connection
from warehouse.paths import DataPaths

PROJECT = Path(__file__).resolve().parents[1]
DAY = "2026-11-11"  # the live-feed fixture's day
AREAS = ("自贡", "泸州", "内江", "宜宾", "江津", "永川", "綦江", "大足", "铜梁", "荣昌")
SHORT = {"ENVMON_HTTP_CONNECT_TIMEOUT": "2", "ENVMON_HTTP_READ_TIMEOUT": "2", "ENVMON_HTTP_DEADLINE": "5"}


def envmon_run(data_dir: Path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "run", "--start", DAY, "--end", DAY, *argv],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, "ENVMON_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster"), **SHORT, **env},
        timeout=90,  # without the deadline: 5 attempts x 10 areas x (2 s + back-off) and as many for the forecast
    )


def test_a_live_source_without_network_fails_in_one_line_naming_host_and_setting(data_dir):
    with BlackHole() as hole:
        done = envmon_run(data_dir, "--source", "open_meteo", ENVMON_OPENMETEO_URL=hole.url)
        asked = len(hole.connections)
    assert done.returncode == 1, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if "FAILED" in line]
    assert len(failed) == 1, done.stdout
    line = failed[0]
    assert line.startswith(f"  FAILED {DAY} .. {DAY}: staging__air_hourly: ") and len(line) < 320, line
    assert "open_meteo: no answer from 127.0.0.1 within ENVMON_HTTP_DEADLINE=5 s (read timed out" in line
    assert line.endswith(
        "or raise ENVMON_HTTP_DEADLINE (timeouts: ENVMON_HTTP_CONNECT_TIMEOUT, ENVMON_HTTP_READ_TIMEOUT)"
    )
    assert "Traceback" not in done.stdout + done.stderr
    # the first area's two attempts; the other areas and the forecast fallback (same run) not asked any more
    assert asked == 2


def test_the_fallback_forecast_warns_and_the_days_alerts_go_on(data_dir):
    """The live feed from its saved snapshots, Open-Meteo (the default fallback forecast) unreachable: exit 0, the
    fallback's line in the summary, the day's alerts evaluated with the forecast gap recorded."""
    with BlackHole() as hole:
        url = hole.url
        done = envmon_run(
            data_dir, "--source", "livefeed", "--input", str(FIXTURES / "livefeed"), ENVMON_OPENMETEO_URL=url
        )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "envmon run: 1 of 1 day(s) succeeded" in out
    assert f"forecast {url}: 1 x unavailable" in out
    assert "fallback forecast issued 2026-11-12 not fetched, the day's alerts go on without it: open_meteo: " in out
    assert "no answer from 127.0.0.1 within ENVMON_HTTP_DEADLINE=5 s" in out
    with read_connection(DataPaths(data_dir).warehouse) as con:
        gaps = fetch_polars(con, "SELECT forecast_gaps::VARCHAR AS gaps FROM alerts.evaluations WHERE day = ?", [DAY])
        forecast = fetch_polars(con, "SELECT count(*) AS n FROM forecast.aqi_daily")
    assert gaps.height == 1 and all(area in gaps["gaps"][0] for area in AREAS)  # evaluated, the gap recorded
    assert forecast["n"][0] == 0
