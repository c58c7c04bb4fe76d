"""`envmon run` checks its options before any run: a mistake costs a second and one line that says the fix."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

PROJECT = Path(__file__).resolve().parents[1]


def envmon(data_dir: Path, *argv: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """The command, bounded by ``timeout`` (past it the test fails); "before any run" is shown by the instance never
    being made."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *argv],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, "ENVMON_DATA_DIR": str(data_dir), **env},
        timeout=timeout,
    )


@pytest.mark.parametrize(
    "argv, says",
    [
        (["run", "--source", "foo"], "unknown air source 'foo'"),
        (
            ["run", "--source", "archive", "--input", "/no/such/folder"],
            "--input /no/such/folder: no such file or folder",
        ),
        (["run", "--source", "archive"], "give the folder with --input FOLDER"),
        (["run", "--start", "2026-03-05", "--end", "2026-03-01"], "--start 2026-03-05 is after --end 2026-03-01"),
        (["run", "--end", "2099-01-01"], "has not ended yet"),
    ],
)
def test_a_bad_option_fails_in_one_line_before_any_run(data_dir, argv, says):
    done = envmon(data_dir, *argv)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) <= 2 and says in lines[0] and "Traceback" not in done.stderr, done.stderr
    assert not (data_dir / "dagster").exists()  # no instance, no run was created
    if "foo" in argv:
        assert all(name in lines[0] for name in ("generator", "archive", "livefeed", "openaq", "open_meteo"))


def test_an_empty_input_folder_and_a_bad_catalog_are_refused_too(data_dir, tmp_path):
    (tmp_path / "empty").mkdir()
    done = envmon(data_dir, "run", "--source", "archive", "--input", str(tmp_path / "empty"))
    assert done.returncode == 2 and "the folder is empty" in done.stderr
    catalog = tmp_path / "stations.csv"
    catalog.write_text(
        "code,name,city,lon,lat\n1001A,甲,自贡市,104.7,29.3\n1001A,乙,自贡市,104.8,29.4\n", encoding="utf-8"
    )
    done = envmon(data_dir, "run", "--stations", str(catalog))
    assert done.returncode == 2 and "duplicate station code(s) 1001A" in done.stderr


def test_help_lists_every_source_with_one_line_each(data_dir):
    done = envmon(data_dir, "run", "--help")
    listed = done.stdout.split("air sources")[1].strip().splitlines()[1:]
    assert [line.split()[0] for line in listed] == ["generator", "archive", "livefeed", "openaq", "open_meteo"]
