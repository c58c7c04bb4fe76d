"""The propagation scenario of issue 25: eleven days run, then a monitoring-centre file for the first of them (a
day ten days back) and its correction; and what the tests compare after it (what was re-derived, the marts, the
alert tables)."""

import datetime as dt
import os
from pathlib import Path
from unittest import mock

import dagster as dg
import duckdb
import pytest

from pipelines.cli import main as envmon
from tests.pipeline_runs import day_range
from tests.session_builds import built_once, copy_of
from tests.table_dumps import dump_tables
from warehouse.paths import DataPaths

DAYS = day_range("2026-04-01", 11)
FILE_DAY = DAYS[0]  # ten days before the last day run
# Columns that differ between two data folders for the same outcome: when it happened, and the ids made from it.
VOLATILE = {
    "message_id",
    "change_id",
    "claimed_by",
    "body_text",
    "body_html",
    "minutes_to_notify",
    "minutes_to_acknowledge",
}
# The data-problem e-mail of a file (what the file's rows lacked): `envmon ingest` mails it at once, the daemon's
# ingest-problem sensor in its own pass. It is not propagation, so it is left out of the comparison.
PROBLEM_MAIL = "SELECT message_id FROM alerts.messages WHERE event_id IS NULL AND subject LIKE '%data problems%'"
NOT_PROBLEM_MAIL = {
    "messages": f"WHERE message_id NOT IN ({PROBLEM_MAIL})",
    "deliveries": f"WHERE message_id NOT IN ({PROBLEM_MAIL})",
}


def eleven_days_run(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """``data_dir`` filled with the eleven days as `envmon run --start --end` leaves them (its warehouse, files and
    Dagster instance): a copy of one build shared by the files that start the scenario from there."""

    def build(folder: Path) -> None:
        data = folder / "data"
        with mock.patch.dict(os.environ, {"ENVMON_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster")}):
            assert envmon(["run", "--start", str(DAYS[0]), "--end", str(DAYS[-1])]) == 0

    return copy_of(built_once(tmp_path_factory, "april-eleven-days", build) / "data", data_dir)


def border_file(path: Path, tp: float) -> Path:
    """The whole natural day of 濑溪河 泸县入境 (border section, target class III), total phosphorus around ``tp``
    (class V at 0.36: a river alert; 0.05 corrects it)."""
    times = [dt.datetime.combine(FILE_DAY, dt.time(0)) + dt.timedelta(hours=h) for h in (4, 8, 12, 16, 20, 24)]
    lines = ["断面名称,监测时间,pH(无量纲),溶解氧(mg/L),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L)"]
    lines += [
        f"濑溪河 泸县入境(川渝界),{t:%Y-%m-%d %H:%M},7.6,8.2,3.1,0.35,{tp + 0.005 * i:.3f}" for i, t in enumerate(times)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rederived(instance: dg.DagsterInstance, after_run_count: int) -> dict[str, set]:
    """Asset -> the partitions materialized by the runs after the first ``after_run_count`` (what was re-derived)."""
    out: dict[str, set] = {}
    for run in instance.get_runs(ascending=True)[after_run_count:]:
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            out.setdefault(e.asset_materialization.asset_key.to_user_string(), set()).add(
                e.asset_materialization.partition
            )
    return out


def materialized_partitions(instance: dg.DagsterInstance, graph) -> dict[str, set]:
    return {
        key.to_user_string(): set(instance.get_materialized_partitions(key))
        for key in graph.get_all_asset_keys()
        if graph.get(key).partitions_def is not None
    }


def alert_tables(data_dir: Path) -> dict[str, list]:
    """Every alert table and view, without the columns that only say when (timestamps) or name it by that."""
    con = duckdb.connect(str(DataPaths(data_dir).warehouse), read_only=True)
    try:
        names = [
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'alerts'").fetchall()
        ]
        names += [
            r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'alerts'").fetchall()
        ]
        out = {}
        for name in sorted(names):
            columns = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'alerts' AND table_name = ?",
                [name],
            ).fetchall()
            keep = [c for c, t in columns if not t.startswith("TIMESTAMP") and c not in VOLATILE]
            rows = con.execute(
                f"SELECT {', '.join(keep)} FROM alerts.{name} {NOT_PROBLEM_MAIL.get(name, '')}"
            ).fetchall()
            out[name] = sorted(map(repr, rows))
        return out
    finally:
        con.close()


def models(data_dir: Path) -> dict[str, bytes]:
    return dump_tables(DataPaths(data_dir).warehouse, schemas=("intermediate", "marts"))
