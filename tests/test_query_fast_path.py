"""`envmon query` and `envmon export` as fast as DuckDB (no Dagster, no Great Expectations imported), CSV with
nested columns, a memory cap and timeouts that are numbers (issue 24)."""

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import openpyxl
import pytest

from warehouse.query_settings import QuerySettingError, parse_timeout, query_memory, query_timeout

pytestmark = pytest.mark.subprocess

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def snapshot(data_dir) -> Path:
    """A small published snapshot with the list and struct columns of marts.water_report_comparison."""
    path = data_dir / "published" / "envmon.duckdb"
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        """CREATE TABLE marts.water_report_comparison AS
        SELECT 'S1' AS section_code, '濑溪河' AS river, ['TP', 'NH3N'] AS disputed,
               {'sichuan': 'III', 'chongqing': 'IV'} AS classes, TIMESTAMP '2026-10-01 04:00:00' AS ts,
               true AS dispute, NULL::DOUBLE AS missing
        UNION ALL SELECT 'S2', '清溪河', [], {'sichuan': 'II', 'chongqing': 'II'}, TIMESTAMP '2026-10-01 08:00:00',
               false, 0.5"""
    )
    con.close()
    return path


def envmon(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("command", ["query", "export"])
def test_query_and_export_import_no_dagster_and_no_great_expectations(snapshot, tmp_path, command):
    argv = ["query", "select 1"] if command == "query" else ["export", "select 1 AS x", "-o", str(tmp_path / "x.csv")]
    probe = textwrap.dedent(
        f"""
        import sys
        from pipelines.cli import main
        assert main({argv!r}) == 0
        heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"dagster", "great_expectations", "sqlalchemy"}})
        print("heavy:", heavy, file=sys.stderr)
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stderr, done.stderr


def test_query_table_does_not_import_polars_either(snapshot):
    probe = "import sys; from pipelines.cli import main; main(['query', 'select 42 AS answer']); print(sorted("
    probe += "{m.split('.')[0] for m in sys.modules} & {'polars', 'pyarrow', 'pandas', 'numpy'}), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert "answer" in done.stdout and "42" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_csv_writes_lists_and_structs_as_json_text(snapshot):
    done = envmon("query", "SELECT * FROM marts.water_report_comparison ORDER BY section_code", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert json.loads(rows[0]["disputed"]) == ["TP", "NH3N"] and json.loads(rows[1]["disputed"]) == []
    assert json.loads(rows[0]["classes"]) == {"sichuan": "III", "chongqing": "IV"}
    assert rows[0]["river"] == "濑溪河" and rows[0]["ts"] == "2026-10-01 04:00:00"
    assert (rows[0]["dispute"], rows[0]["missing"], rows[1]["missing"]) == ("true", "", "0.5")


def test_export_csv_and_xlsx_hold_nested_columns_as_json_text(snapshot, tmp_path):
    sql = "SELECT section_code, disputed, classes FROM marts.water_report_comparison ORDER BY 1"
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"comparison.{suffix}"
        done = envmon("export", sql, "--output", str(out))
        assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.with_suffix(".csv").open(encoding="utf-8")))
    assert json.loads(rows[0]["disputed"]) == ["TP", "NH3N"]
    sheet = openpyxl.load_workbook(out.with_suffix(".xlsx"), read_only=True)["result"]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == ("section_code", "disputed", "classes") and json.loads(cells[1][2])["chongqing"] == "IV"


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "-inf", "ten", ""])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused(snapshot, value):
    done = envmon("query", "select 1", f"--timeout={value}")  # = : argparse reads a lone -inf as an option
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "--timeout is" in done.stderr and "Traceback" not in done.stderr
    if value:  # an empty environment variable means the default
        env_done = envmon("query", "select 1", ENVMON_QUERY_TIMEOUT=value)
        assert env_done.returncode == 2 and "ENVMON_QUERY_TIMEOUT is" in env_done.stderr, env_done.stderr


def test_timeout_values():
    assert parse_timeout("0", "--timeout") == 0 and parse_timeout("2.5", "--timeout") == 2.5
    assert query_timeout({}) == 300 and query_timeout({"ENVMON_QUERY_TIMEOUT": " 12 "}) == 12
    for bad in ("nan", "NaN", "inf", "Infinity", "-0.1", "1e400"):
        with pytest.raises(QuerySettingError, match="give 0 \\(no limit\\) or a positive number"):
            parse_timeout(bad, "--timeout")


def test_memory_values():
    assert query_memory({}) == "1GB" and query_memory({"ENVMON_QUERY_MEMORY": "500MB"}) == "500MB"
    for bad in ("lots", "-1", "-5GB", "0GB", "80%", "12"):
        with pytest.raises(QuerySettingError, match="ENVMON_QUERY_MEMORY is"):
            query_memory({"ENVMON_QUERY_MEMORY": bad})


def test_a_query_over_the_memory_cap_stops_with_one_line_naming_the_setting(snapshot):
    big = "SELECT list(range) AS l FROM range(50000000)"
    done = envmon("query", big, "--format", "csv", ENVMON_QUERY_MEMORY="64MB")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "more than 64MB of memory (ENVMON_QUERY_MEMORY)" in done.stderr
    assert list(snapshot.parent.iterdir()) == [snapshot]  # nothing spilled beside the snapshot
    refused = envmon("query", "select 1", ENVMON_QUERY_MEMORY="-1")
    assert refused.returncode == 2 and "ENVMON_QUERY_MEMORY is '-1'" in refused.stderr


def test_the_memory_cap_cannot_be_raised_from_sql(snapshot):
    done = envmon("query", "SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t")
    assert done.returncode == 0 and "953.6 MiB" in done.stdout, done.stdout  # 1GB = 10^9 bytes
    done = envmon("query", "SET memory_limit = '100GB'")
    assert done.returncode == 1 and "SET is not allowed" in done.stderr


def test_json_is_written_a_chunk_at_a_time_as_one_array(snapshot, monkeypatch):
    import warehouse.query_output as output

    monkeypatch.setattr(output, "CHUNK_ROWS", 2)  # several chunks for five rows
    con = duckdb.connect(str(snapshot), read_only=True)
    sql = "SELECT * FROM marts.water_report_comparison, range(3) AS r(n) WHERE n < 2 OR section_code = 'S1'"
    buf = io.StringIO()
    assert output.write_json(con, sql, buf) == 5
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    assert buf.getvalue() == json.dumps(rows, ensure_ascii=False, default=str, indent=1) + "\n"
    empty = io.StringIO()
    assert output.write_json(con, "SELECT 1 AS x WHERE false", empty) == 0 and json.loads(empty.getvalue()) == []
    con.close()
