"""`envmon exclude`: an operator marks area-days as an exceptional event (例外事件) with the reason and who approved
it; the event is written to the version-controlled file, the statistics of the built days are rebuilt at once with
and without it, and nothing is deleted."""

import duckdb
import polars as pl
import pytest

from assets.air.exceptional_events import COLUMNS
from pipelines.cli import main as envmon
from tests.pipeline_runs import day_range
from warehouse.paths import DataPaths

DAYS = day_range("2026-02-24", 5)


def snapshot(data_dir, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


@pytest.fixture
def events_file(tmp_path, monkeypatch):
    path = tmp_path / "exceptional_events.csv"  # the deployment's copy under version control, not the repo's seed
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
    ],
)
def test_a_bad_exclusion_is_refused_and_nothing_is_written(data_dir, events_file, capsys, argv, says):
    assert envmon(["exclude", *argv]) == 2
    assert says in capsys.readouterr().err
    assert events_file.read_text(encoding="utf-8") == ",".join(COLUMNS) + "\n"
