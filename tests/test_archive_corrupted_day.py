"""A corrupted real national day through `envmon run --source archive`: every bad cell queryable with the rest of its
row kept, superseded and misdated lines in quarantine, normalised codes and the rest as problem lines in the run's
summary and in one e-mail to data operations; a header-only file fails the day naming the file, with a copy in
rejected/ and the e-mail naming file and cause (skipped where ../shared/data is absent)."""

import datetime as dt
import email
import os
import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.resources import resources_for
from pipelines.instance import get_instance
from pipelines.mail_jobs import problem_mail_job, run_failure_mail_job
from sensors.alert_delivery import run_failure_email_sensor
from sensors.ingest_problems import ingest_problems_sensor
from tests.conftest import need_shared_data
from tests.national_files import tidy_national
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.subprocess, pytest.mark.pipeline]

DAY = dt.date(2023, 1, 21)
BAD = {
    ("NO2", 5, "1883A"): "abc",
    ("SO2", 6, "1883A"): "inf",
    ("CO", 8, "3351A"): "1e999",
    ("PM10", 10, "3610A"): "12..3",
    ("O3", 11, "2531A"): "nan",
}


def corrupt(src, dst):
    """Unparsable cells in region stations, a repeated PM2.5 line, hour 9 dated another day, 1884A spelt '18 84a'."""
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    out = [lines[0].replace(",1884A,", ",18 84a,")]
    for line in lines[1:]:
        cells = line.split(",")
        kind, hour = cells[2], int(cells[1])
        for (k, h, code), text in BAD.items():
            if (k, h) == (kind, hour):
                cells[header.index(code)] = text
        if hour == 9:
            cells[0] = "20230115"
        out.append(",".join(cells))
        if (kind, hour) == ("PM2.5", 7):
            out.append(",".join(cells[:3] + ["1" if c else c for c in cells[3:]]))  # sent again: the last one wins
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")


def envmon_run(data_dir, folder) -> subprocess.CompletedProcess:
    """`envmon run --source archive` in a process of its own (the code location reads its settings once)."""
    env = dict(os.environ, ENVMON_DATA_DIR=str(data_dir), DAGSTER_HOME=str(data_dir / "dagster"), ENVMON_SMTP_HOST="")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines",
            "run",
            "--source",
            "archive",
            "--input",
            str(folder),
            "--start",
            str(DAY),
            "--end",
            str(DAY),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def snapshot(data_dir, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_a_corrupted_national_day_keeps_every_bad_cell_and_the_rest_of_each_row(data_dir, tmp_path):
    cnemc = need_shared_data("china_sites_20230121.csv", "china_sites_20230122.csv")
    folder = tmp_path / "archive"
    folder.mkdir()
    corrupt(cnemc / "china_sites_20230121.csv", folder / "china_sites_20230121.csv")
    shutil.copy(cnemc / "china_sites_20230122.csv", folder)
    result = envmon_run(data_dir, folder)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout

    values = snapshot(data_dir, "SELECT * FROM quarantine.rejected_values ORDER BY row_number")
    got = {(r["parameter"].upper(), r["ts"].hour, r["key"]): r["original"] for r in values.iter_rows(named=True)}
    assert got == {
        ("NO2", 5, "1883A"): "abc",
        ("SO2", 6, "1883A"): "inf",
        ("CO", 8, "3351A"): "1e999",
        ("PM10", 10, "3610A"): "12..3",
        ("O3", 11, "2531A"): "nan",
    }
    assert set(values["file"]) == {"china_sites_20230121.csv"} and values["batch_id"].n_unique() == 1
    assert values.filter(pl.col("original") == "abc")[["row_number", "field", "reason"]].row(0) == (
        2 + 5 * 15 + 7,
        "1883A",
        "not a number",
    )  # header row 1; hour 5's NO2 line

    # the rest of each row is the file's own values, and the bad value is NULL flagged UNP
    original, _ = tidy_national(cnemc / "china_sites_20230121.csv")
    staged = snapshot(data_dir, "SELECT * FROM staging.air_hourly")
    for kind, hour, code in BAD:
        ts = dt.datetime(2023, 1, 21, hour)
        mine = staged.filter(pl.col("station_code") == code, pl.col("ts") == ts).row(0, named=True)
        theirs = original.filter(pl.col("station_code") == code, pl.col("ts") == ts).row(0, named=True)
        bad = {"PM10": "pm10", "NO2": "no2", "SO2": "so2", "CO": "co", "O3": "o3"}[kind]
        assert mine[bad] is None
        assert {p: mine[p] for p in ("pm25", "pm10", "so2", "no2", "o3", "co") if p != bad} == {
            p: theirs[p] for p in ("pm25", "pm10", "so2", "no2", "o3", "co") if p != bad
        }
    flags = snapshot(
        data_dir,
        "SELECT station_code, hour(ts) AS h, pollutant FROM staging.air_value_flags WHERE flag_code = 'UNP' ORDER BY h",
    )
    assert flags.rows() == [
        ("1883A", 5, "no2"),
        ("1883A", 6, "so2"),
        ("3351A", 8, "co"),
        ("3610A", 10, "pm10"),
        ("2531A", 11, "o3"),
    ]

    rows = snapshot(data_dir, "SELECT row_number, reasons FROM quarantine.rejected_rows WHERE dataset = 'air_hourly'")
    assert rows.filter(pl.col("reasons").str.starts_with("dated 20230115")).height == 15  # hour 9, every type
    assert rows.filter(pl.col("reasons").str.starts_with("superseded")).height == 1
    assert staged.filter(pl.col("ts").dt.hour() == 9).height == 0  # not loaded onto another day, not onto this one
    assert staged.filter(pl.col("station_code") == "1884A").height == 23  # read under the catalog's code
    assert staged.filter(pl.col("ts").dt.hour() == 7)["pm25"].unique().to_list() == [1.0]  # the later line won

    kinds = snapshot(data_dir, "SELECT kind, count(*) AS n FROM meta.ingest_problems GROUP BY 1 ORDER BY 1")
    assert dict(kinds.iter_rows()) == {
        "code_normalised": 1,
        "date_mismatch": 1,
        "duplicate_line": 1,
        "stations_not_in_catalog": 1,  # the national file, the region's catalog
        "unparsable": 1,
    }
    assert "data problems: 5 line(s) in meta.ingest_problems, e-mailed to data operations" in out
    assert "date_mismatch" in out and "china_sites_20230121.csv" in out
    mails = [email.message_from_bytes(p.read_bytes()) for p in DataPaths(data_dir).outbox.glob("*.eml")]
    (problem_mail,) = [
        m for m in mails if "data problems" in str(email.header.make_header(email.header.decode_header(m["Subject"])))
    ]
    body = problem_mail.get_payload(0).get_payload(decode=True).decode()
    assert (
        "18 84a" in body
        and "20230115" in body
        and "1883A" in body
        and problem_mail["To"].endswith("<data.ops@example.cn>")
    )
    kept = DataPaths(data_dir).raw / "air_hourly" / "archive" / "files" / "china_sites_20230121.csv"
    assert kept.read_bytes() == (folder / "china_sites_20230121.csv").read_bytes()  # the original, under raw/

    run_id = snapshot(data_dir, "SELECT DISTINCT run_id FROM meta.ingest_problems")["run_id"].item()
    instance = get_instance()
    run = instance.get_run_by_id(run_id)
    context = dg.build_run_status_sensor_context(
        sensor_name="ingest_problems_email_sensor",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)[0].dagster_event,
        resources=resources_for(str(data_dir)),
    )
    request = ingest_problems_sensor(context)  # the daemon's path: a run that queues the same message, not a second
    problem_mail_job.execute_in_process(
        run_config=request.run_config, instance=instance, resources=resources_for(str(data_dir))
    )
    with duckdb.connect(str(DataPaths(data_dir).warehouse)) as con:
        assert con.sql("SELECT count(*) FROM alerts.messages WHERE subject LIKE '%data problems%'").fetchall() == [(1,)]


def test_a_header_only_archive_file_fails_the_day_naming_it_with_a_copy_in_rejected(data_dir, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / "china_sites_20230121.csv"
    path.write_text("date,hour,type,1882A,1883A\n", encoding="utf-8")
    result = envmon_run(data_dir, folder)
    assert result.returncode == 1, result.stdout[-3000:]
    out = result.stdout
    assert "china_sites_20230121.csv, row 2: header only" in out and "SchemaError" not in out
    rejected = DataPaths(data_dir).rejected
    assert (rejected / path.name).read_bytes() == path.read_bytes() and path.exists()  # a copy: the source keeps it
    assert "header only" in (rejected / f"{path.name}.reason.txt").read_text(encoding="utf-8")

    with duckdb.connect(str(DataPaths(data_dir).warehouse)) as con:
        texts = [t for (t,) in con.execute("SELECT body_text FROM alerts.messages").fetchall()]
        kinds = con.execute("SELECT kind, file FROM meta.ingest_problems").fetchall()
        run_id = con.execute("SELECT run_id FROM meta.ingest_problems").fetchall()[0][0]
    assert kinds == [("file_rejected", str(path))]
    failure = [t for t in texts if "Pipeline run failed" in t]
    assert failure and "china_sites_20230121.csv" in failure[0] and "header only" in failure[0]

    # the daemon's run-failure sensor names the file and the cause too (not only the step)
    instance = get_instance()
    with duckdb.connect(str(DataPaths(data_dir).warehouse)) as con:
        con.execute("DELETE FROM alerts.deliveries; DELETE FROM alerts.messages")
    event = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)[0].dagster_event
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_email_sensor",
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
        dagster_event=event,
        resources=resources_for(str(data_dir)),
    ).for_run_failure()
    request = run_failure_email_sensor(context)
    run_failure_mail_job.execute_in_process(
        run_config=request.run_config, instance=instance, resources=resources_for(str(data_dir))
    )
    with duckdb.connect(str(DataPaths(data_dir).warehouse)) as con:
        (text,) = [t for (t,) in con.execute("SELECT body_text FROM alerts.messages").fetchall()]
    assert "staging__air_hourly" in text and "china_sites_20230121.csv, row 2: header only" in text
