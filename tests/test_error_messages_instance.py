"""Errors that say what to do (issue 24): a file that is not a station catalog, a data folder the user cannot write,
a corrupt Dagster instance database, a month that does not exist. Each is one line naming the file and the fix;
``--debug`` shows the traceback."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from assets.catalog.stations import CatalogError, load_station_catalog

pytestmark = pytest.mark.subprocess

PROJECT = Path(__file__).resolve().parents[1]
NOBODY = 65534
SETPRIV = shutil.which("setpriv")  # util-linux: runs a command as another user (root ignores file modes)


def readable_by_others(folder: Path) -> bool:
    """Whether another user can run the project's code from ``folder``: every folder above it passable (o+x), the
    folder itself readable too."""
    return folder.stat().st_mode & 0o005 == 0o005 and all(p.stat().st_mode & 0o001 for p in folder.parents)


def envmon(data: Path, *argv: str, as_nobody: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENVMON_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster")}
    user = [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if as_nobody else []
    return subprocess.run(
        [*user, sys.executable, "-m", "pipelines", *argv],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def instance_folder():
    """A data folder with a SQLite instance (runs.db, runs/index.db, schedules.db), in a folder another user can
    read (tmp_path is private to its owner, and root ignores file modes: the read-only case runs as nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="envmon-i24-"))
    os.chmod(folder, 0o755)
    done = envmon(folder / "data", "instance", "--check")
    assert done.returncode == 0, done.stderr
    yield folder / "data"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def data(instance_folder, tmp_path_factory):
    copy = Path(tempfile.mkdtemp(prefix="envmon-i24-"))
    os.chmod(copy, 0o755)
    shutil.copytree(instance_folder, copy / "data")
    yield copy / "data"
    for path in [copy, *copy.rglob("*")]:  # writable again, so that it can be removed
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(copy, ignore_errors=True)


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr and "SQL:" not in done.stderr, done.stderr
    return lines[0]


def test_a_file_that_is_not_a_catalog_is_named_with_the_columns_to_give(tmp_path):
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\nfoo,bar,baz\n")
    with pytest.raises(CatalogError) as caught:
        load_station_catalog(passwd)
    message = str(caught.value)
    assert "\n" not in message and str(passwd) in message, message
    assert "truncate_ragged_lines" not in message and "Schema" not in message
    assert "give a UTF-8 CSV file whose first line names" in message
    for missing in (tmp_path / "none.csv", tmp_path):
        with pytest.raises(CatalogError, match="no such file|is a folder"):
            load_station_catalog(missing)


def test_envmon_run_with_etc_passwd_as_catalog(tmp_path):
    done = envmon(tmp_path / "data", "run", "--stations", "/etc/passwd")
    assert done.returncode == 2
    line = one_line(done)
    assert line.startswith("envmon run: --stations: /etc/passwd: not a readable station catalog")
    assert "give a UTF-8 CSV file" in line


@pytest.mark.parametrize("readonly", ["everything", "instance folder only"])
def test_a_data_folder_the_user_cannot_write(data, readonly):
    targets = [data, *data.rglob("*")] if readonly == "everything" else [data / "dagster", *data.rglob("*.db")]
    for path in targets:
        path.chmod(0o555 if path.is_dir() else 0o444)
    as_nobody = os.geteuid() == 0
    if as_nobody and not SETPRIV:
        pytest.skip("run as root and no setpriv to run envmon as another user: root ignores file modes")
    if as_nobody and not readable_by_others(PROJECT):
        pytest.skip(f"nobody cannot reach the checkout {PROJECT} (a folder above it is private, as mktemp -d makes it)")
    done = envmon(data, "report", "--month", "2026-10", as_nobody=as_nobody)
    assert done.returncode == 1
    line = one_line(done)
    assert f"cannot write {data / 'dagster'}" in line and f"the data folder {data} must be writable" in line, line
    assert "chown -R" in line and "ENVMON_DATA_DIR" in line
    debug = envmon(data, "report", "--month", "2026-10", "--debug", as_nobody=as_nobody)
    assert debug.returncode == 1 and "Traceback" in debug.stderr


@pytest.mark.parametrize("database", ["history/runs.db", "history/runs/index.db"])
def test_a_corrupt_instance_database_is_named_with_the_fix(data, database):
    path = data / "dagster" / database
    with path.open("r+b") as f:  # the header and first pages overwritten, as a crashed disk leaves it
        f.write(os.urandom(8192))
    done = envmon(data, "report", "--month", "2026-10")
    assert done.returncode == 1
    line = one_line(done)
    assert f"the Dagster instance database {path} is corrupt (file is not a database)" in line, line
    assert f"mv {path} {path}.corrupt" in line and "restore it from a backup" in line


def test_moving_the_corrupt_database_aside_is_a_fix_that_works(data):
    path = data / "dagster" / "history" / "runs.db"
    path.write_bytes(os.urandom(8192))
    path.rename(path.with_name("runs.db.corrupt"))
    done = envmon(data, "instance", "--check")
    assert done.returncode == 0 and "0 run(s) recorded" in done.stdout, done.stderr


def test_a_month_that_does_not_exist(tmp_path):
    done = envmon(tmp_path / "data", "report", "--month", "2026-13")
    assert done.returncode == 2 and "invalid _month" not in done.stderr
    assert "'2026-13' is not a month: give YYYY-MM with the month 01-12" in done.stderr.splitlines()[-1]
