"""The alert sensors, driven by Dagster's sensor contexts: queue delivery, and run failures to data operations."""

import email

import dagster as dg
import pytest

from assets.alerts.contacts import Contact
from assets.alerts.queue import enqueue_email
from assets.resources import resources_for
from sensors.alert_delivery import alert_delivery_sensor, run_failure_email_sensor
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

pytestmark = pytest.mark.pipeline


def test_delivery_sensor_writes_pending_mail_to_the_outbox(data_dir, monkeypatch):
    monkeypatch.delenv("ENVMON_SMTP_HOST", raising=False)
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        enqueue_email(
            con, key="t1", to=[Contact("joint_office", "联合办", "joint@example.cn")], subject="测试", text="正文"
        )
    with dg.build_sensor_context(resources=resources_for(str(data_dir))) as context:
        result = alert_delivery_sensor(context)
    assert "sent 1" in result.skip_message
    (eml,) = paths.outbox.glob("*.eml")
    assert email.message_from_bytes(eml.read_bytes())["To"] == "=?utf-8?b?6IGU5ZCI5Yqe?= <joint@example.cn>"


def test_a_failed_run_emails_data_operations(data_dir, monkeypatch):
    monkeypatch.delenv("ENVMON_SMTP_HOST", raising=False)

    @dg.asset
    def broken():
        raise RuntimeError("station file unreadable")

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([broken], instance=instance, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.PIPELINE_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_email_sensor",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=failure,
        resources=resources_for(str(data_dir)),
    ).for_run_failure()
    run_failure_email_sensor(context)
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        rows = fetch_polars(
            con,
            "SELECT d.recipient, d.status, m.subject FROM alerts.deliveries d "
            "JOIN alerts.messages m USING (message_id)",
        )
    assert rows["recipient"].to_list() == ["data.ops@example.cn"] and rows["status"].to_list() == ["sent"]
    assert "数据处理失败" in rows["subject"][0]
    assert len(list(paths.outbox.glob("*.eml"))) == 1
    run_failure_email_sensor(context)  # the same failure again: no second e-mail
    assert len(list(paths.outbox.glob("*.eml"))) == 1
