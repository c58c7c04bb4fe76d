"""Staff queries read the published snapshot: they answer while the pipeline holds the warehouse's write lock."""

import subprocess
import sys
import textwrap

import pytest

from tests.pipeline_runs import day_range, run_days
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]


def test_envmon_query_answers_while_another_process_holds_the_write_lock(data_dir):
    run_days(data_dir, day_range("2026-02-01", 1))
    paths = DataPaths(data_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(paths.warehouse)!r})
                con.execute("BEGIN TRANSACTION")
                con.execute("DELETE FROM staging.air_hourly")  # a long write in progress
                print("locked", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        # the lock is real: a second writer cannot open the warehouse
        probe = subprocess.run(
            [sys.executable, "-c", f"import duckdb; duckdb.connect({str(paths.warehouse)!r})"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode != 0 and "lock" in probe.stderr.lower()

        query = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines",
                "query",
                "SELECT count(*) AS n FROM staging.air_hourly",
                "--format",
                "csv",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert query.returncode == 0, query.stderr
        assert query.stdout.splitlines()[0] == "n" and int(query.stdout.splitlines()[1]) >= 500
    finally:
        holder.kill()
        holder.wait()
