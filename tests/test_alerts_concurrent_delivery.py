"""Delivery passes at the same time never send one message twice: two `envmon deliver` processes, two threads of one
process, a pass that died holding its claims; permanent refusals park a row after the documented five. Against a
real SMTP server on 127.0.0.1 (STARTTLS + login)."""

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from functools import partial

import duckdb
import pytest

from assets.alerts.mail.delivery import MAX_PERMANENT_REFUSALS, deliver_pending
from assets.alerts.mail.queue import claim_due, enqueue_email, queue_counts
from assets.alerts.mail.transport import SmtpSettings, SmtpTransport
from assets.alerts.notify.contacts import Contact
from tests.conftest import PROJECT
from tests.smtp_server import Inbox, SmtpServer, free_port
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.subprocess, pytest.mark.server]

T0 = dt.datetime(2026, 11, 27, 9, 0)
FROM = "川南渝西 envmon <envmon@example.cn>"


def queue(db, n_messages, recipients):
    with write_connection(db) as con:
        for i in range(n_messages):
            enqueue_email(con, key=f"concurrent:{i}", to=recipients, subject=f"消息 {i}", text=f"正文 {i}", now=T0)


def people(n):
    return [Contact("joint_office", f"收件人 {i}", f"person{i}@example.cn") for i in range(n)]


def smtp_env(server, data_dir) -> dict:
    return dict(
        os.environ,
        ENVMON_DATA_DIR=str(data_dir),
        DAGSTER_HOME=str(data_dir / "dagster"),
        ENVMON_SMTP_HOST="127.0.0.1",
        ENVMON_SMTP_PORT=str(server.port),
        ENVMON_SMTP_SECURITY="starttls",
        ENVMON_SMTP_USER=server.user,
        ENVMON_SMTP_PASSWORD=server.password,
        ENVMON_SMTP_CA_FILE=str(server.cert),
    )


def settings(server):
    return SmtpSettings(
        host="127.0.0.1",
        port=server.port,
        security="starttls",
        user=server.user,
        password=server.password,
        ca_file=str(server.cert),
        timeout=10,
    )


def once_each(server) -> Counter:
    return Counter((r["message"]["Message-ID"], tuple(r["rcpt"])) for r in server.inbox.received)


def test_two_envmon_deliver_processes_send_each_message_exactly_once(tmp_path, data_dir):
    # the first message waits at the server until the second process has connected too: the passes overlap
    server = SmtpServer(tmp_path, free_port(), inbox=Inbox(hold_until_sessions=2)).start()
    paths = DataPaths(data_dir)
    queue(paths.warehouse, 40, people(2))  # 80 deliveries
    env = smtp_env(server, data_dir)
    command = [sys.executable, "-m", "pipelines", "deliver", "--now"]
    try:
        first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not server.inbox.sessions:  # the first pass is sending, holding its claim
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.05)
        second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        outputs = [p.communicate(timeout=300) for p in (first, second)]
    finally:
        server.stop()
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert server.inbox.overlapped
    per_delivery = once_each(server)
    assert len(per_delivery) == 80 and set(per_delivery.values()) == {1}
    senders = Counter(r["peer"] for r in server.inbox.received)
    assert len(senders) == 2  # both passes sent part of the queue
    sent = [int(out.split("envmon deliver: ")[1].split(" sent")[0]) for out, _ in outputs]
    assert sum(sent) == 80 and min(sent) > 0
    with write_connection(paths.warehouse) as con:
        assert queue_counts(con) == {"sent": 80}
        assert (
            fetch_polars(con, "SELECT count(*) AS n FROM alerts.deliveries WHERE claimed_by IS NOT NULL")["n"][0] == 0
        )
    assert "snapshot republished" in outputs[0][0]
    snapshot = duckdb.connect(str(paths.snapshot), read_only=True)  # staff see the queue as it is now
    try:
        assert fetch_polars(snapshot, "SELECT count(*) AS n FROM alerts.deliveries WHERE status = 'sent'")["n"][0] == 80
    finally:
        snapshot.close()


def test_two_passes_in_threads_of_one_process_send_each_message_exactly_once(tmp_path):
    server = SmtpServer(tmp_path, free_port(), inbox=Inbox(hold_until_sessions=2, hold_seconds=60)).start()
    db = tmp_path / "w.duckdb"
    queue(db, 30, people(2))
    results = []
    passes = [
        threading.Thread(
            target=lambda: results.append(
                deliver_pending(partial(write_connection, db), SmtpTransport(settings(server)), FROM)
            )
        )
        for _ in range(2)
    ]
    try:
        for t in passes:
            t.start()
        for t in passes:
            t.join(timeout=300)
    finally:
        server.stop()
    assert server.inbox.overlapped and sorted(r.sent > 0 for r in results) == [True, True]
    assert sum(r.sent for r in results) == 60
    per_delivery = once_each(server)
    assert len(per_delivery) == 60 and set(per_delivery.values()) == {1}


def test_rows_held_by_a_pass_that_died_wait_for_its_lease_then_go_out_once(tmp_path):
    server = SmtpServer(tmp_path, free_port()).start()
    db = tmp_path / "w.duckdb"
    queue(db, 3, people(1))
    with write_connection(db) as con:  # a pass claims everything, then dies without sending or releasing
        assert claim_due(con, "dead-host:1:x", T0, 10).height == 3
    clock = lambda t: lambda: t  # noqa: E731
    try:
        early = deliver_pending(partial(write_connection, db), SmtpTransport(settings(server)), FROM, clock(T0))
        assert early.sent == 0 and server.inbox.received == []  # held: not sent by anyone else
        late = deliver_pending(
            partial(write_connection, db), SmtpTransport(settings(server)), FROM, clock(T0 + dt.timedelta(minutes=11))
        )  # the dead pass's lease has run out
        assert late.sent == 3
    finally:
        server.stop()
    assert set(once_each(server).values()) == {1}


def test_a_permanently_refused_recipient_is_parked_after_five_refusals(tmp_path):
    server_port = free_port()
    refused = "nobody@example.cn"
    db = tmp_path / "w.duckdb"
    queue(db, 1, [Contact("joint_office", "无此人", refused)])
    t = T0
    clock = lambda: t  # noqa: E731
    down = SmtpServer(tmp_path, server_port)  # an outage first: an attempt, but no refusal
    assert deliver_pending(partial(write_connection, db), SmtpTransport(settings(down)), FROM, clock).retrying == 1
    server = SmtpServer(tmp_path, server_port, inbox=Inbox(refuse={refused})).start()
    try:
        for _ in range(10):
            t += dt.timedelta(hours=2)
            result = deliver_pending(partial(write_connection, db), SmtpTransport(settings(server)), FROM, clock)
            if result.failed:
                break
    finally:
        server.stop()
    assert server.inbox.refusals[refused] == MAX_PERMANENT_REFUSALS == 5
    with write_connection(db) as con:
        row = fetch_polars(con, "SELECT status, attempts, refusals, last_error FROM alerts.deliveries").row(
            0, named=True
        )
    assert row["status"] == "failed" and row["attempts"] == 6 and row["refusals"] == 5 and "550" in row["last_error"]

    # and the documentation says the same number
    assert "refuses permanently (5xx) five times" in (PROJECT / "docs" / "alerts.md").read_text(encoding="utf-8")
