"""The mail sensors only request runs: evaluated with mail pending and a failed run present, each returns a run
request, the SMTP server on 127.0.0.1 receives nothing and the warehouse file is unchanged; the requested jobs then
send each mail exactly once."""

import datetime as dt
import email.header
import json
import os
from collections import Counter

import dagster as dg
import pytest

from assets.alerts.mail.queue import enqueue_email
from assets.alerts.notify.contacts import Contact
from assets.resources import resources_for
from pipelines.mail_jobs import mail_delivery_job, problem_mail_job, run_failure_mail_job
from sensors.alert_delivery import alert_delivery_sensor, run_failure_email_sensor
from sensors.ingest_problems import ingest_problems_failure_sensor
from tests.smtp_server import SmtpServer, free_port
from warehouse.connection import write_connection
from warehouse.integrity import CorruptWarehouseError, corrupt_marker
from warehouse.paths import DataPaths
from warehouse.snapshot import publish_snapshot

JOBS = {j.name: j for j in [mail_delivery_job, run_failure_mail_job, problem_mail_job]}

pytestmark = [pytest.mark.pipeline, pytest.mark.server]


def use_smtp(monkeypatch, server) -> None:
    for name, value in {
        "ENVMON_SMTP_HOST": "127.0.0.1",
        "ENVMON_SMTP_PORT": str(server.port),
        "ENVMON_SMTP_SECURITY": "starttls",
        "ENVMON_SMTP_USER": server.user,
        "ENVMON_SMTP_PASSWORD": server.password,
        "ENVMON_SMTP_CA_FILE": str(server.cert),
    }.items():
        monkeypatch.setenv(name, value)


def failed_run(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    @dg.asset
    def broken():
        raise RuntimeError("station file unreadable")

    result = dg.materialize([broken], instance=instance, raise_on_error=False)
    assert not result.success
    return result


def failure_context(instance, result, data_dir, name: str):
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.PIPELINE_FAILURE)
    return dg.build_run_status_sensor_context(
        sensor_name=name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=failure,
        resources=resources_for(str(data_dir)),
    )


def subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_sensor_ticks_only_request_runs_and_the_runs_send_each_mail_once(data_dir, tmp_path, monkeypatch):
    server = SmtpServer(tmp_path, free_port()).start()
    use_smtp(monkeypatch, server)
    paths = DataPaths(data_dir)
    instance = dg.DagsterInstance.ephemeral()
    result = failed_run(instance)
    run_id = result.dagster_run.run_id
    with write_connection(paths.warehouse) as con:
        enqueue_email(
            con, key="t1", to=[Contact("joint_office", "联合办", "joint@example.cn")], subject="测试", text="正文"
        )
        con.execute(  # the failed run stored a problem line
            "INSERT INTO meta.ingest_problems (dataset, source, kind, message, run_id, seen_at) "
            "VALUES ('air_hourly', 'archive', 'unparsable', 'row 3: PM2.5 \"--\"', ?, now())",
            [run_id],
        )
    publish_snapshot(paths.warehouse, paths.snapshot)
    before = (paths.warehouse.read_bytes(), os.stat(paths.warehouse).st_mtime_ns)
    try:
        requests = []
        with dg.build_sensor_context(instance=instance, resources=resources_for(str(data_dir))) as context:
            first = alert_delivery_sensor(context)  # the day's digest time has come (no cursor yet): one run
            assert json.loads(context.cursor)["digest_day"] in first.run_key
            second = alert_delivery_sensor(context)  # digests requested: now the pending mail in the snapshot
            assert second.run_key.startswith("deliver:")
            requests += [(mail_delivery_job.name, first), (mail_delivery_job.name, second)]
        failure = run_failure_email_sensor(failure_context(instance, result, data_dir, "f").for_run_failure())
        assert "station file unreadable" in failure.run_config["ops"]["mail_run_failure"]["config"]["error"]
        assert failure.run_key == f"run-failure:{run_id}"
        problems = ingest_problems_failure_sensor(failure_context(instance, result, data_dir, "p"))
        assert problems.run_key == f"ingest-problems:{run_id}"
        requests += [(run_failure_mail_job.name, failure), (problem_mail_job.name, problems)]

        assert all(isinstance(r, dg.RunRequest) for _, r in requests)
        assert server.inbox.received == [] and not list(paths.outbox.glob("*.eml"))
        assert (paths.warehouse.read_bytes(), os.stat(paths.warehouse).st_mtime_ns) == before

        for name, request in [*requests, *requests]:  # each requested run, twice: still one mail each
            run = JOBS[name].execute_in_process(
                run_config=request.run_config, instance=instance, resources=resources_for(str(data_dir))
            )
            assert run.success
    finally:
        server.stop()
    received = Counter(subject(r["message"]) for r in server.inbox.received)
    assert received["测试"] == 1
    assert [n for s, n in received.items() if "数据处理失败" in s] == [1]
    assert [n for s, n in received.items() if "data problems" in s] == [1]
    assert all(n == 1 for n in received.values()), received


def test_the_delivery_sensor_requests_nothing_when_nothing_is_pending_or_a_pass_cannot_work(data_dir, monkeypatch):
    monkeypatch.delenv("ENVMON_SMTP_HOST", raising=False)
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        enqueue_email(con, key="later", to=[Contact("joint_office", "联合办", "j@example.cn")], subject="s", text="t")
        con.execute("UPDATE alerts.deliveries SET next_attempt = ?", [dt.datetime(2100, 1, 1)])  # backing off
    publish_snapshot(paths.warehouse, paths.snapshot)
    instance = dg.DagsterInstance.ephemeral()
    with dg.build_sensor_context(instance=instance, resources=resources_for(str(data_dir))) as context:
        assert isinstance(alert_delivery_sensor(context), dg.RunRequest)  # the day's digests
        result = alert_delivery_sensor(context)
    assert isinstance(result, dg.SkipReason) and "nothing pending and due" in result.skip_message
    monkeypatch.setenv("ENVMON_ALERT_RULES", str(data_dir / "missing-rules.yaml"))  # a pass that cannot work
    run = mail_delivery_job.execute_in_process(
        instance=instance, resources=resources_for(str(data_dir)), raise_on_error=False
    )
    assert not run.success
    with dg.build_sensor_context(instance=instance, resources=resources_for(str(data_dir))) as context:
        result = alert_delivery_sensor(context)  # not a failed run a minute: the next pass in 15 minutes
    assert isinstance(result, dg.SkipReason) and "last mail_delivery_job run failed" in result.skip_message
    corrupt_marker(paths.warehouse).write_text("block checksum mismatch\n")  # every pass would fail: none requested
    with dg.build_sensor_context(instance=instance, resources=resources_for(str(data_dir))) as context:
        result = alert_delivery_sensor(context)
    assert isinstance(result, dg.SkipReason) and "marked corrupt" in result.skip_message


def test_a_failed_run_is_mailed_at_once_when_the_warehouse_cannot_queue_it(data_dir, monkeypatch):
    monkeypatch.delenv("ENVMON_SMTP_HOST", raising=False)
    paths = DataPaths(data_dir)
    instance = dg.DagsterInstance.ephemeral()
    result = failed_run(instance)
    request = run_failure_email_sensor(failure_context(instance, result, data_dir, "f").for_run_failure())

    def corrupt(con, *args):  # what queuing raises on a damaged warehouse block (warehouse.connection)
        raise CorruptWarehouseError(paths.warehouse, None, "block checksum mismatch")

    monkeypatch.setattr("pipelines.mail_jobs.queue_run_failure", corrupt)
    run = run_failure_mail_job.execute_in_process(
        run_config=request.run_config, instance=instance, resources=resources_for(str(data_dir))
    )
    assert run.success
    (eml,) = paths.outbox.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert "数据处理失败" in subject(message) and message["To"].endswith("<data.ops@example.cn>")
