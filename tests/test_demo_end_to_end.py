"""`envmon run` end to end, once on the real national archive and once on the generator: a real air run brings no
generated rivers and mails nothing made from generated data; a generated run says so in every mail, the summary and
the Dagster run tag. One run per module fixture serves all the assertions on it."""

import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.demo import MARK, NOTICE, RUN_TAG
from tests.conftest import PROJECT, need_shared_data
from warehouse.paths import DataPaths

pytestmark = pytest.mark.subprocess

ARCHIVE_FILES = [f"china_sites_2023012{d}.csv" for d in (0, 1, 2, 3)]


def envmon_run(data_dir: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENVMON_", "DAGSTER_"))}
    env |= {"ENVMON_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster")}
    env["ENVMON_GENERATOR_FAULT_RATE"] = "0.003"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "run", *argv],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,  # a bound, not a measure: four days take about two minutes on a busy machine
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def observed(data_dir: Path, done: subprocess.CompletedProcess) -> dict:
    """What people read after the run: the batches, the mail, the summary, the run tags."""
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        batches = con.execute("SELECT dataset, source, count(*) FROM meta.batches GROUP BY ALL ORDER BY 1").fetchall()
        mails = con.execute(
            "SELECT m.mail_kind, m.subject, m.body_text, d.recipient FROM alerts.messages m "
            "JOIN alerts.deliveries d USING (message_id)"
        ).fetchall()
        river_alerts = con.execute("SELECT count(*) FROM alerts.notifications WHERE kind LIKE 'river%'").fetchone()[0]
    finally:
        con.close()
    instance = dg.DagsterInstance.from_config(str(data_dir / "dagster"))
    runs = instance.get_runs()
    outbox = [eml(p) for p in DataPaths(data_dir).outbox.glob("**/*.eml")]
    return {
        "batches": batches,
        "mails": mails,
        "river_alerts": river_alerts,
        "summary": done.stdout,
        # the daily job's runs (propagation's re-derive marts and alerts: they read no source)
        "tags": [r.tags.get(RUN_TAG) for r in runs if "envmon/started_by" not in r.tags],
        "raw": sorted(p.name for p in (DataPaths(data_dir).raw).glob("*/*")),
        "outbox": outbox,
    }


def eml(path: Path) -> tuple[str, str, str]:
    """(X-Envmon-Kind, subject, plain text) of a mail written to the outbox, decoded as a mail program shows it."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return message["X-Envmon-Kind"], str(message["Subject"]), message.get_body(("plain",)).get_content()


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory) -> dict:
    """The issue's command: real air of 2023-01-20 .. 23, no river source given."""
    folder = need_shared_data(*ARCHIVE_FILES)
    data_dir = tmp_path_factory.mktemp("archive") / "data"
    done = envmon_run(
        data_dir, "--source", "archive", "--input", str(folder), "--start", "2023-01-20", "--end", "2023-01-23"
    )
    return observed(data_dir, done)


def test_a_real_air_run_writes_no_generated_river_batch(archive_run):
    by = {(dataset, source): n for dataset, source, n in archive_run["batches"]}
    assert by == {("air_hourly", "archive"): 4, ("water_readings", "landing"): 4}, by
    assert "generator" not in archive_run["raw"]  # no generated raw batch either
    assert archive_run["river_alerts"] == 0


def test_a_real_air_run_mails_nothing_made_from_generated_data(archive_run):
    assert archive_run["mails"], "the run mails its real alerts (digests of the observed heavy pollution)"
    for kind, subject, text, recipient in archive_run["mails"]:
        assert MARK not in subject and "演示数据" not in text, (kind, subject, recipient)
    assert archive_run["outbox"] and not any(
        MARK in subject or "演示数据" in text for _, subject, text in archive_run["outbox"]
    )
    assert "演示数据" not in archive_run["summary"] and set(archive_run["tags"]) == {None}


@pytest.fixture(scope="module")
def generator_run(tmp_path_factory) -> dict:
    data_dir = tmp_path_factory.mktemp("generator") / "data"
    return observed(data_dir, envmon_run(data_dir, "--start", "2026-01-08", "--end", "2026-01-09"))


def test_a_generated_run_says_so_in_every_mail_the_summary_and_the_run_tag(generator_run):
    by = {(dataset, source): n for dataset, source, n in generator_run["batches"]}
    assert by == {("air_hourly", "generator"): 2, ("water_readings", "generator"): 2}, by
    alert_mail = [m for m in generator_run["mails"] if m[0] in ("alert", "digest")]
    assert alert_mail
    for kind, subject, text, recipient in alert_mail:
        assert subject.startswith(MARK) and text.startswith(NOTICE), (kind, subject, recipient)
    sent = [(subject, text) for kind, subject, text in generator_run["outbox"] if kind in ("alert", "digest")]
    assert sent and all(subject.startswith(MARK) and text.startswith(NOTICE) for subject, text in sent)
    assert MARK in generator_run["summary"]
    assert generator_run["tags"] and set(generator_run["tags"]) == {"true"}
