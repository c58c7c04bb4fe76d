"""The report e-mail goes out with the run that builds the report (a delivery pass in the same run), through a real
SMTP server on 127.0.0.1, with the composite-index ranking in its text; an unchanged re-run sends nothing."""

import shutil

import dagster as dg
import pytest

from assets.reports.assets import monthly_report
from assets.resources import resources_for
from tests.reports.conftest import MONTH
from tests.smtp_server import SmtpServer, free_port
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.server]


@pytest.fixture
def server(tmp_path):
    srv = SmtpServer(tmp_path, free_port()).start()
    yield srv
    srv.stop()


def test_the_report_run_delivers_its_e_mail(february, server, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    shutil.copytree(february["pristine"], data_dir)  # nothing queued yet
    resources = resources_for(str(data_dir))
    for name, value in {
        "HOST": "127.0.0.1",
        "PORT": server.port,
        "SECURITY": "starttls",
        "USER": server.user,
        "PASSWORD": server.password,
        "CA_FILE": server.cert,
    }.items():
        monkeypatch.setenv(f"ENVMON_SMTP_{name}", str(value))  # read when the run starts
    instance = dg.DagsterInstance.ephemeral()

    def run():
        result = dg.materialize([monthly_report], partition_key=MONTH, resources=resources, instance=instance)
        return result.asset_materializations_for_node(monthly_report.op.name)[0].metadata

    meta = run()
    assert (meta["emails_queued"].value, meta["emails_sent"].value) == (1, 1)
    assert len(server.inbox.received) == 1  # no `envmon deliver`, no sensor: the run itself sent it
    message = server.inbox.received[0]["message"]
    assert "2026年2月" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "综合指数排名" in text and "例外事件" not in text  # the ranking; no exceptional event this month
    assert sorted(p.get_filename() for p in message.iter_attachments()) == [
        f"envmon_report_{MONTH}.html",
        f"envmon_report_{MONTH}.xlsx",
    ]
    with write_connection(DataPaths(data_dir).warehouse) as con:
        assert set(fetch_polars(con, "SELECT status FROM alerts.deliveries")["status"]) == {"sent"}
    again = run()  # the same data: nothing queued, nothing sent twice
    assert (again["emails_queued"].value, again["emails_sent"].value) == (0, 0)
    assert len(server.inbox.received) == 1
