"""A crash never blocks the next run: kill -9 of a real `envmon run` mid-step, a full disk, leftover snapshots.

Black-box: `envmon run --start D --end D` in subprocesses against a data folder of the test; the Dagster instance
is read only to find the moment to kill and to check what the crash left."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines.instance import get_instance
from pipelines.stale_runs import check_instance, process_alive
from tests.test_pipeline_idempotent import dump_tables
from warehouse.paths import DataPaths
from warehouse.snapshot import publish_snapshot, temporary_snapshots

pytestmark = pytest.mark.subprocess

DAY = "2026-01-14"
POOL = "duckdb_writer"
RUN_TIMEOUT = 600  # a hung re-run fails the test instead of hanging it


def env_for(data: Path) -> dict:
    return dict(os.environ, ENVMON_DATA_DIR=str(data), DAGSTER_HOME=str(data / "dagster"), ENVMON_SMTP_HOST="")


def envmon_run(data: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "run", "--start", DAY, "--end", DAY],
        env=env_for(data),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        **kw,
    )


def start_run(data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines", "run", "--start", DAY, "--end", DAY],
        env=env_for(data),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_claimed_slot(instance: dg.DagsterInstance, process: subprocess.Popen, timeout: float = 300):
    """The first step of the run that holds the writer pool's slot (the run is then mid-step)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        claimed = instance.event_log_storage.get_concurrency_info(POOL).claimed_slots
        if claimed:
            return claimed[0]
        assert process.poll() is None, "the run ended before any writer step started"
        time.sleep(0.02)
    raise AssertionError("no writer step started")


def stored_tables(data: Path) -> dict[str, bytes]:
    dump = dump_tables(DataPaths(data).snapshot)
    return {name: rows for name, rows in dump.items() if name.split(".")[0] in ("staging", "intermediate", "marts")}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, bytes]:
    """The tables of one plain `envmon run` of the day, to compare the others with."""
    data = tmp_path_factory.mktemp("uninterrupted") / "data"
    assert envmon_run(data).returncode == 0
    return stored_tables(data)


def test_kill_9_mid_step_then_a_rerun_completes_and_equals_an_uninterrupted_run(data_dir, uninterrupted):
    instance = get_instance()  # the instance of data_dir, created before the run starts (no creation race)
    victim = start_run(data_dir)
    slot = wait_for_claimed_slot(instance, victim)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    stuck = instance.get_run_by_id(slot.run_id)
    assert stuck.status == dg.DagsterRunStatus.STARTED  # what a crash leaves: a STARTED run holding the slot
    assert [s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots] == [slot.run_id]

    rerun = envmon_run(data_dir)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert (
        f"run {slot.run_id} of daily_job (partition {DAY}) was STARTED by process {victim.pid}, which is gone"
        in rerun.stderr
    )
    assert f"marked failed; freed its slot(s) in pool {POOL}" in rerun.stderr
    assert instance.get_run_by_id(slot.run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info(POOL).claimed_slots == []

    expected, got = uninterrupted, stored_tables(data_dir)
    assert {"staging.air_hourly", "staging.water_readings", "marts.air_hourly_aqi"} <= expected.keys()
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name] == expected[name], f"{name} differs from the uninterrupted run"


def test_two_envmon_runs_at_once_give_the_tables_of_one(data_dir, uninterrupted):
    instance = get_instance()  # created before the runs start (no creation race between them)
    runs = [start_run(data_dir), start_run(data_dir)]
    try:
        slot = wait_for_claimed_slot(instance, runs[0])
        # what every other envmon command does meanwhile: neither the run in its step nor the one waiting for the
        # slot is taken for stale
        assert check_instance() == []
        assert instance.get_run_by_id(slot.run_id).status == dg.DagsterRunStatus.STARTED
        assert [r.wait(timeout=RUN_TIMEOUT) for r in runs] == [0, 0]
    finally:
        for r in runs:
            r.kill()
    assert instance.get_run_by_id(slot.run_id).status == dg.DagsterRunStatus.SUCCESS
    expected, got = uninterrupted, stored_tables(data_dir)
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name] == expected[name], f"{name} differs after two concurrent runs"


def test_the_instance_has_run_monitoring_for_daemon_launched_runs(data_dir):
    settings = get_instance().run_monitoring_settings  # pipelines/dagster.yaml, as Dagster reads it
    assert settings["enabled"] and settings["free_slots_after_run_end_seconds"] > 0
    assert settings["max_runtime_seconds"] > 0 and settings["start_timeout_seconds"] > 0


def test_process_alive_knows_dead_and_reused_pids():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_alive(child.pid)
    me = os.getpid()
    assert process_alive(me) and process_alive(me, time.time())
    assert not process_alive(me, time.time() - 24 * 3600)  # a process younger than the run: the pid was reused


def test_leftover_temporary_snapshots_are_removed(data_dir):
    paths = DataPaths(data_dir)
    paths.snapshot.parent.mkdir(parents=True)
    leftover = paths.snapshot.with_name(f".{paths.snapshot.name}.99999.tmp")  # a publisher killed mid-copy
    leftover.write_bytes(b"x" * 1000)
    publish_snapshot(paths.warehouse, paths.snapshot)
    assert temporary_snapshots(paths.snapshot) == [] and paths.snapshot.exists()


def private_tmpfs(folder: Path, size: str, script: str, env: dict) -> subprocess.CompletedProcess:
    """Run a shell script with ``folder`` on a tmpfs of ``size`` in a private mount namespace (the mount ends with
    the script); skip where mounting is not permitted."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs '{folder}'"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (a full disk needs one): {probe.stderr.strip()}")
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs '{folder}' && {script}"],
        capture_output=True,
        text=True,
        timeout=2 * RUN_TIMEOUT,
        env=env,
    )


def test_a_full_disk_gives_one_line_naming_the_path_and_the_next_run_recovers(tmp_path):
    data = tmp_path / "data"
    run = f"'{sys.executable}' -m pipelines run --start {DAY} --end {DAY}"
    script = (
        f"{run} > '{tmp_path}/out1' 2> '{tmp_path}/err1'; echo rc1=$?;"
        f" ls -a '{data}/published' 2>/dev/null | grep -c '\\.tmp$';"  # temporary snapshots left by the failure
        f" mount -o remount,size=400m '{data}';"  # space freed
        f" {run} > '{tmp_path}/out2' 2> '{tmp_path}/err2'; echo rc2=$?"
    )
    result = private_tmpfs(data, "8m", script, env_for(data))
    lines = result.stdout.split()
    assert lines[0] == "rc1=1" and lines[-1] == "rc2=0", (result.stdout, result.stderr)
    assert lines[1] == "0"  # no temporary snapshot stayed behind
    errors = [line for line in (tmp_path / "err1").read_text().splitlines() if "error:" in line]
    assert len(errors) == 1, errors
    assert "disk full" in errors[0] and str(data) in errors[0] and "sqlite3" not in errors[0]
    second = (tmp_path / "err2").read_text()
    assert f"envmon run: 1 of 1 day(s) succeeded ({DAY} .. {DAY})" in (tmp_path / "out2").read_text(), second[-3000:]


def test_a_snapshot_that_does_not_fit_leaves_no_temporary_file(tmp_path, data_dir):
    paths = DataPaths(data_dir)
    from warehouse.connection import write_connection

    with write_connection(paths.warehouse) as con:  # a warehouse of ~8 MB, on the normal disk
        con.execute("CREATE TABLE meta.ballast AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(200000)")
    published = paths.snapshot.parent
    code = (
        f"from pathlib import Path; from warehouse.snapshot import publish_snapshot; "
        f"publish_snapshot(Path('{paths.warehouse}'), Path('{paths.snapshot}'))"
    )
    script = f"'{sys.executable}' -c \"{code}\"; echo rc=$?; ls -a '{published}' | grep -c '\\.tmp$'"
    result = private_tmpfs(published, "2m", script, env_for(data_dir))
    assert result.stdout.split() == ["rc=1", "0"], (result.stdout, result.stderr)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("warehouse.snapshot.DiskFullError: disk full: cannot write " + str(paths.snapshot)), last
    assert "MB needed" in last
