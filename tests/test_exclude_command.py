"""`envmon exclude`: an operator marks area-days as an exceptional event (例外事件) with the reason and who approved
it; the event is written to the deployment's file (the data folder's by default, never the code tree), the
statistics of the built days are rebuilt at once with and without it, and nothing is deleted."""

import datetime as dt
import subprocess

import duckdb
import polars as pl
import pytest

from assets.air.exceptional_events import COLUMNS, SEED_EVENTS
from assets.clock import now_cst
from pipelines.cli import main as envmon
from tests.conftest import PROJECT
from tests.pipeline_runs import day_range
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.subprocess, pytest.mark.pipeline]

DAYS = day_range("2026-02-24", 5)
TODAY = now_cst().date()
TOMORROW = TODAY + dt.timedelta(days=1)


def snapshot(data_dir, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


@pytest.fixture
def events_file(tmp_path, monkeypatch):
    path = tmp_path / "exceptional_events.csv"  # the deployment's file (e.g. under /etc/envmon), not the repo's seed
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.setenv("ENVMON_EXCEPTIONAL_EVENTS", str(path))
    return path


def test_exclude_writes_the_event_and_rebuilds_the_statistics_with_and_without_it(data_dir, events_file, capsys):
    assert envmon(["run", "--start", str(DAYS[0]), "--end", str(DAYS[-1])]) == 0
    before = snapshot(data_dir, "SELECT area, pm25_mean, valid_days FROM marts.air_area_monthly ORDER BY area")
    capsys.readouterr()

    assert (
        envmon(
            [
                "exclude",
                "--area",
                "荣昌",
                "--from",
                "2026-02-26",
                "--to",
                "2026-02-27",
                "--type",
                "fireworks",
                "--pollutants",
                "PM2.5,PM10,SO2",
                "--reason",
                "元宵节烟花爆竹 (Lantern Festival fireworks)",
                "--approved-by",
                "荣昌区生态环境局",
                "--approved-on",
                "2026-03-02",
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert "EE-2026-001: area 荣昌 2026-02-26 .. 2026-02-27" in said and "attains" in said

    written = pl.read_csv(events_file)
    assert written.select("event_id", "code", "pollutants", "approved_by").rows() == [
        ("EE-2026-001", "荣昌", "PM2.5;PM10;SO2", "荣昌区生态环境局")
    ]
    both = snapshot(
        data_dir, "SELECT * FROM marts.air_exceptional_attainment WHERE period_kind = 'month' AND scope = 'area'"
    ).row(0, named=True)
    assert (both["code"], both["excluded_days"], both["event_ids"], both["event_types"]) == (
        "荣昌",
        2,
        "EE-2026-001",
        "fireworks",
    )
    assert both["valid_days_without_events"] == both["valid_days_with_events"] - 2
    stations = snapshot(data_dir, "SELECT DISTINCT code FROM marts.air_exceptional_attainment WHERE scope = 'station'")
    assert stations["code"].to_list() == ["3610A"]  # the area's station too
    # nothing deleted, nothing else changed: the monthly marts stay as measured, every day is still there
    assert snapshot(data_dir, "SELECT area, pm25_mean, valid_days FROM marts.air_area_monthly ORDER BY area").equals(
        before
    )
    assert snapshot(data_dir, "SELECT count(*) AS n FROM marts.air_area_daily WHERE area = '荣昌'")["n"].item() == 5
    listed = envmon(["exclude", "--list"])
    assert listed == 0 and "EE-2026-001" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, says",
    [
        (
            ["--area", "成都", "--from", "2026-02-26", "--type", "sand_dust", "--reason", "x", "--approved-by", "y"],
            "code: '成都' is no area of the catalog",
        ),
        (["--station", "3610A", "--from", "2026-02-26", "--type", "other", "--reason", "x"], "missing --approved-by"),
        (
            [
                "--station",
                "3610A",
                "--from",
                "2026-02-26",
                "--to",
                "2026-02-20",
                "--type",
                "other",
                "--reason",
                "x",
                "--approved-by",
                "y",
            ],
            "last_day: 2026-02-20 is before first_day",
        ),
        (  # the case: an approved event in the future
            ["--area", "荣昌", "--from", "2027-12-01", "--type", "other", "--reason", "x", "--approved-by", "y"],
            "first_day: 2027-12-01 (--from) is after today",
        ),
        (
            ["--area", "荣昌", "--from", str(TODAY), "--to", str(TOMORROW), "--type", "other"]
            + ["--reason", "x", "--approved-by", "y"],
            f"last_day: {TOMORROW} (--to) is after today",
        ),
        (
            ["--area", "荣昌", "--from", "2026-02-26", "--approved-on", str(TOMORROW), "--type", "other"]
            + ["--reason", "x", "--approved-by", "y"],
            f"approved_on: {TOMORROW} (--approved-on) is after today",
        ),
    ],
)
def test_a_bad_exclusion_is_refused_and_nothing_is_written(data_dir, events_file, capsys, argv, says):
    assert envmon(["exclude", *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1  # one line: the field, the value and why
    assert events_file.read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"


def _code_tree_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=PROJECT, capture_output=True, text=True
    ).stdout


def test_without_a_configured_file_the_event_goes_to_the_data_folder_and_the_code_tree_stays(
    data_dir, monkeypatch, capsys
):
    """Issue 24: `exclude` modified dbt_like_sql/seeds/air_exceptional_events.csv, i.e. /opt/envmon on a server."""
    monkeypatch.delenv("ENVMON_EXCEPTIONAL_EVENTS", raising=False)
    seed, status = SEED_EVENTS.read_bytes(), _code_tree_status()
    argv = ["exclude", "--station", "3610A", "--from", "2026-02-26", "--type", "sand_dust"]
    argv += ["--pollutants", "PM10,PM2.5", "--reason", "沙尘 (dust)", "--approved-by", "荣昌区生态环境局"]
    assert envmon(argv) == 0  # none of its days is built: recorded (the seed table reloaded), used when run
    assert "none of its days is built yet" in capsys.readouterr().out
    written = pl.read_csv(data_dir / "exceptional_events.csv")  # created from the seed, then appended to
    assert written.columns == list(COLUMNS)
    assert written.select("event_id", "code", "pollutants").rows() == [("EE-2026-001", "3610A", "PM10;PM2.5")]
    assert SEED_EVENTS.read_bytes() == seed and _code_tree_status() == status
