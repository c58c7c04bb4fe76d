"""kill -9 during `envmon ingest`, then the same file again: every reading once, the file archived once.

The kill lands at a chosen point of the real command (tests/crash_points.py): inside the file's transaction right
after its readings were inserted, and after the commit but before the file was moved out of the landing folder."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.water.test_water_files import platform_rows, write_csv
from warehouse.connection import fetch_one, write_connection
from warehouse.paths import DataPaths

pytestmark = pytest.mark.subprocess

TIMES = [f"2026-11-0{d} {h:02d}:00" for d in (1, 2) for h in (0, 4, 8, 12, 16, 20)]  # 12 readings
POINTS = {
    "mid-transaction": "assets.water.ingest:insert_frame:staging.water_readings",
    "after-commit": "assets.water.landing:^_move_to",
}


def envmon(data_dir, *args, **kw):
    env = dict(os.environ, ENVMON_DATA_DIR=str(data_dir), DAGSTER_HOME=str(data_dir / "dagster"))
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args], env=env, capture_output=True, text=True, timeout=600, **kw
    )


def kill_at(data_dir, point, *args, timeout=300):
    marker = data_dir.parent / "stopped"
    env = dict(os.environ, ENVMON_DATA_DIR=str(data_dir), DAGSTER_HOME=str(data_dir / "dagster"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_points", str(marker), point, "--", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "the crash point was never reached"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return marker.read_text()


def counts(data_dir) -> dict:
    with write_connection(DataPaths(data_dir).warehouse) as con:
        return {
            "rows": fetch_one(con, "SELECT count(*) FROM staging.water_readings WHERE source = 'file'")[0],
            "keys": fetch_one(
                con, "SELECT count(DISTINCT (section_code, ts)) FROM staging.water_readings WHERE source = 'file'"
            )[0],
            "files": fetch_one(con, "SELECT list(status ORDER BY status) FROM meta.water_files")[0],
            "batches": fetch_one(con, "SELECT count(*) FROM meta.batches WHERE source = 'file'")[0],
        }


@pytest.mark.parametrize("where", POINTS)
def test_kill_9_during_envmon_ingest_then_ingest_again_loads_each_reading_once(tmp_path, data_dir, where):
    source = write_csv(tmp_path / "濑溪河_2026-11-02.csv", platform_rows(TIMES))
    stopped = kill_at(data_dir, POINTS[where], "ingest", str(source))
    assert stopped.strip().endswith("after" if where == "mid-transaction" else "before")
    paths = DataPaths(data_dir)
    landing = paths.landing / "water"
    assert [p.name for p in landing.iterdir() if not p.name.startswith(".")] == [source.name]  # still there
    left = counts(data_dir)
    if where == "mid-transaction":  # nothing of an uncommitted file is visible
        assert left == {"rows": 0, "keys": 0, "files": None, "batches": 0}
    else:  # committed as a whole: readings, the batch and the file's record
        assert left == {"rows": 12, "keys": 12, "files": ["loaded"], "batches": 1}

    again = envmon(data_dir, "ingest", str(source))
    assert again.returncode == 0, again.stderr[-3000:]
    assert "was STARTED by process" in again.stderr and "marked failed" in again.stderr  # the killed run
    assert counts(data_dir) == {"rows": 12, "keys": 12, "files": ["loaded"], "batches": 1}
    assert [p for p in landing.iterdir() if not p.name.startswith(".")] == []
    archived = [p.name for p in (paths.archive / "water").rglob("*.csv")]
    assert archived == [source.name]  # archived once, not also as a duplicate

    third = envmon(data_dir, "ingest", str(source))  # and a genuine repeat is a duplicate, loading nothing
    assert third.returncode == 0 and counts(data_dir)["rows"] == 12
    assert counts(data_dir)["files"] == ["duplicate", "loaded"]
