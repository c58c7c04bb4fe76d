"""`envmon query` is read-only in fact: no file is written or read outside the snapshot, no lock is taken on the
live warehouse, and a runaway query is stopped. `envmon export` writes only the file the user names."""

import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import time

import openpyxl
import polars as pl
import pytest

from warehouse.connection import fetch_one, write_connection
from warehouse.partitions import insert_frame
from warehouse.paths import DataPaths
from warehouse.query import QueryRefused, QueryTimeout, run_query
from warehouse.snapshot import publish_snapshot

pytestmark = pytest.mark.subprocess

SLOW = "SELECT count(*) AS n FROM range(100000000) a, range(100000000) b WHERE a.range * b.range = -1"


@pytest.fixture
def paths(data_dir) -> DataPaths:
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        insert_frame(
            con,
            "quarantine.rejected_rows",
            pl.DataFrame(
                {
                    "dataset": ["air_hourly"] * 3,
                    "source": "generator",
                    "batch_id": "b1",
                    "load_partition": dt.date(2026, 1, 14),
                    "received_at": dt.datetime(2026, 1, 15, 9),
                    "row_number": [2, 3, 4],
                    "record": '{"pm25": "abc"}',
                    "reasons": "not a number",
                }
            ),
        )
    publish_snapshot(paths.warehouse, paths.snapshot)
    (paths.landing / "water").mkdir(parents=True)
    return paths


def envmon(*args, env=None, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_copy_over_the_live_warehouse_is_refused_and_the_warehouse_is_unharmed(paths):
    before = digest(paths.warehouse)
    for target in (paths.warehouse, paths.landing / "water" / "evil.csv", paths.outbox / "evil.eml"):
        result = envmon("query", f"copy (select 'garbage' as a) to '{target}' (format csv)")
        assert result.returncode == 1 and "COPY is not allowed" in result.stderr, result.stderr
        assert "--format csv > file.csv" in result.stderr and "envmon export" in result.stderr
    assert digest(paths.warehouse) == before
    assert list((paths.landing / "water").iterdir()) == [] and not paths.outbox.exists()
    with write_connection(paths.warehouse) as con:  # the next command still works on it
        assert fetch_one(con, "SELECT count(*) FROM quarantine.rejected_rows") == (3,)


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/passwd')",
        "select * from read_blob('/etc/passwd')",
        "select * from glob('/root/*')",
        "select * from sniff_csv('/etc/passwd')",
        "select * from read_parquet('/tmp/*.parquet')",
        "select count(*) from (select * from read_csv('/etc/passwd')) union all select 1",
    ],
)
def test_file_reading_functions_are_refused(paths, sql):
    with pytest.raises(QueryRefused, match="file system operations are disabled"):
        run_query(paths.snapshot, sql)


def test_envmon_query_refuses_reading_etc_passwd(paths):
    result = envmon("query", "select * from read_csv('/etc/passwd')")
    assert result.returncode == 1 and "/etc/passwd" in result.stderr and "root:" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "sql, kind",
    [
        ("attach '{warehouse}' as live (read_only)", "ATTACH"),
        ("attach '{snapshot}' as again (read_only)", "ATTACH"),
        ("install httpfs", "LOAD"),
        ("load parquet", "LOAD"),
        ("set enable_external_access = true", "SET"),
        ("pragma enable_profiling", "PRAGMA"),
        ("export database '/tmp/envmon-export'", "EXPORT"),
        ("create table staging.x as select 1", "CREATE"),
        ("call pragma_version()", "CALL"),
    ],
)
def test_statements_other_than_select_are_refused(paths, sql, kind):
    with pytest.raises(QueryRefused, match=f"{kind} is not allowed"):
        run_query(paths.snapshot, sql.format(warehouse=paths.warehouse, snapshot=paths.snapshot))


def test_a_second_statement_cannot_ride_along(paths):
    with pytest.raises(QueryRefused, match="one statement per query, got 2"):
        run_query(paths.snapshot, f"select 1; copy (select 1) to '{paths.warehouse}'")


def test_envmon_query_refuses_attach_and_takes_no_lock_on_the_warehouse(paths):
    result = envmon("query", f"attach '{paths.warehouse}' as live (read_only)")
    assert result.returncode == 1 and "ATTACH is not allowed" in result.stderr
    # a long query on the snapshot meanwhile: the pipeline still opens the warehouse for writing at once
    slow = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "query", SLOW, "--timeout", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3)  # let it start (a wait, not a timing assertion)
        assert slow.poll() is None
        with write_connection(paths.warehouse) as con:
            con.execute("CREATE TABLE IF NOT EXISTS meta.lock_probe AS SELECT 1 AS x")
    finally:
        slow.kill()
        slow.wait()


def test_selects_still_work_including_describe_show_and_summaries(paths):
    assert run_query(paths.snapshot, "SELECT count(*) AS n FROM quarantine.rejected_rows")["n"].item() == 3
    assert "rejected_rows" in run_query(paths.snapshot, "SHOW ALL TABLES")["name"].to_list()
    assert run_query(paths.snapshot, "DESCRIBE quarantine.rejected_rows").height >= 8
    assert run_query(paths.snapshot, "FROM duckdb_tables() SELECT count(*) AS n")["n"].item() > 5
    assert run_query(paths.snapshot, "EXPLAIN SELECT 1").height >= 1


def test_a_runaway_query_is_interrupted(paths):
    with pytest.raises(QueryTimeout, match="stopped after 0.5 s"):
        run_query(paths.snapshot, SLOW, timeout=0.5)
    env = dict(os.environ, ENVMON_QUERY_TIMEOUT="1")
    result = envmon("query", SLOW, env=env)
    assert result.returncode == 1 and "query stopped after 1 s (ENVMON_QUERY_TIMEOUT)" in result.stderr


def test_csv_to_stdout_is_the_documented_way_to_save_a_result(paths):
    result = envmon("query", "SELECT row_number, reasons FROM quarantine.rejected_rows ORDER BY 1", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout)))[:2] == [["row_number", "reasons"], ["2", "not a number"]]


def test_export_writes_only_the_named_file(paths, tmp_path):
    out = tmp_path / "exports" / "rejected.xlsx"
    result = envmon("export", "SELECT * FROM quarantine.rejected_rows", "--output", str(out))
    assert result.returncode == 1 and "no such folder" in result.stderr  # it creates no folder
    out.parent.mkdir()
    result = envmon("export", "SELECT * FROM quarantine.rejected_rows", "--output", str(out))
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out, read_only=True)["result"]
    assert [row[5] for row in sheet.iter_rows(values_only=True)] == ["row_number", 2, 3, 4]
    assert sorted(p.name for p in out.parent.iterdir()) == ["rejected.xlsx"]  # no temporary file left

    again = envmon("export", "SELECT 1 AS x", "--output", str(out))
    assert again.returncode == 1 and "exists; use --force" in again.stderr
    assert envmon("export", "SELECT 1 AS x", "--output", str(out.with_suffix(".csv"))).returncode == 0
    assert out.with_suffix(".csv").read_text() == "x\n1\n"
    assert envmon("export", "SELECT 1 AS x", "--output", str(out.with_suffix(".csv")), "--force").returncode == 0


def test_export_refuses_the_data_folder_and_writing_sql(paths, tmp_path):
    for target in (paths.landing / "water" / "x.csv", paths.root / "warehouse.csv", paths.outbox.parent / "o.json"):
        result = envmon("export", "SELECT 1 AS x", "--output", str(target))
        assert result.returncode == 1 and "inside the data folder" in result.stderr, target
    assert list((paths.landing / "water").iterdir()) == []
    result = envmon("export", f"copy (select 1) to '{paths.warehouse}'", "--output", str(tmp_path / "x.csv"))
    assert result.returncode == 1 and "COPY is not allowed" in result.stderr and not (tmp_path / "x.csv").exists()
