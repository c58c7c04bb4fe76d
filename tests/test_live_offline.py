"""`envmon run` with a live source and no network: it fails within the deadline in one line naming the host and the
setting; the Open-Meteo fallback forecast warns in the same time and the day's alerts go on. The "network" is a
server on 127.0.0.1 that accepts connections and never answers; short settings (2 s timeouts, 5 s deadline)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http_replay import FIXTURES
from tests.silent_servers import BlackHole
from warehouse.connection import fetch_polars, read_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess, pytest.mark.server]

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
    assert line.startswith(f"  FAILED {DAY} .. {DAY}: staging__air_hourly: ") and "…" not in line, line
    # the air step or the forecast step (same run, either may come first) waited; the other was not asked
    assert "open_meteo: no answer from 127.0.0.1 within ENVMON_HTTP_DEADLINE=5 s (" in line
    assert "read timed out (ENVMON_HTTP_READ_TIMEOUT=2 s)" in line
    assert line.endswith("check the network or raise ENVMON_HTTP_DEADLINE")
    assert "Traceback" not in done.stdout + done.stderr
    # the first area's two attempts; the other areas and the other step of the run not asked any more
    assert asked == 2


def test_the_fallback_forecast_warns_and_the_days_alerts_go_on(data_dir):
    """The live feed from its saved snapshots, Open-Meteo (the default fallback forecast) unreachable: the run
    succeeds, the fallback's line is in the run's summary, the day's alerts are evaluated with the forecast gap
    recorded. In-process (the daily job's validations take a minute on a busy machine; the deadline's part is
    5 s): without the deadline it would take 10 areas x 5 attempts and end with another message."""
    from pipelines.commands.problem_summary import after_runs
    from tests.pipeline_runs import run_days

    settings = {"http_connect_timeout": 2.0, "http_read_timeout": 2.0, "http_deadline": 5.0}
    with BlackHole() as hole:
        url = hole.url
        (result,) = run_days(
            data_dir,
            [dt.date.fromisoformat(DAY)],
            air_source="livefeed",
            openmeteo_url=url,
            input_path=str(FIXTURES / "livefeed"),
            **settings,
        )
        asked = len(hole.connections)
    assert result.success and asked <= 2  # the first area's attempts within 5 s; the nine others not asked
    summary = "\n".join(after_runs([result.run_id]))
    assert f"forecast {url}: 1 x unavailable" in summary
    assert "fallback forecast issued 2026-11-12 not fetched, the day's alerts go on without it: open_meteo: " in summary
    assert "no answer from 127.0.0.1 within ENVMON_HTTP_DEADLINE=5 s" in summary
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "forecast_coverage"]
    assert not check.passed and check.severity.value == "WARN"
    with read_connection(DataPaths(data_dir).warehouse) as con:
        gaps = fetch_polars(con, "SELECT forecast_gaps::VARCHAR AS gaps FROM alerts.evaluations WHERE day = ?", [DAY])
        forecast = fetch_polars(con, "SELECT count(*) AS n FROM forecast.aqi_daily")
    assert gaps.height == 1 and all(area in gaps["gaps"][0] for area in AREAS)  # evaluated, the gap recorded
    assert forecast["n"][0] == 0
