"""Delivery through a real SMTP server on 127.0.0.1 (aiosmtpd): STARTTLS + login, outage, wrong password, injection."""

import datetime as dt
from collections import Counter
from functools import partial

import pytest

from assets.alerts.mail.delivery import deliver_pending
from assets.alerts.mail.email_render import Notification, render
from assets.alerts.mail.queue import enqueue_email, queue_counts
from assets.alerts.mail.transport import OutboxTransport, SmtpSettings, SmtpTransport
from assets.alerts.notify.contacts import Contact
from assets.clock import now_cst
from tests.smtp_server import SmtpServer, free_port
from warehouse.connection import fetch_polars, write_connection

pytestmark = pytest.mark.server

T0 = dt.datetime(2026, 11, 27, 9, 0)
FROM = "川南渝西 envmon <envmon@example.cn>"


class Clock:
    def __init__(self, t=T0):
        self.t = t

    def __call__(self):
        return self.t


def people(n):
    return [Contact("joint_office", f"收件人 {i}", f"person{i}@example.cn") for i in range(n)]


def queue(db, n_messages, recipients):
    with write_connection(db) as con:
        for i in range(n_messages):
            enqueue_email(con, key=f"test:{i}", to=recipients, subject=f"消息 {i}", text=f"正文 {i}", now=T0)


def settings(server, password=None, port=None):
    return SmtpSettings(
        host="127.0.0.1",
        port=port or server.port,
        security="starttls",
        user=server.user,
        password=server.password if password is None else password,
        ca_file=str(server.cert),
        timeout=5,
    )


@pytest.fixture
def server(tmp_path):
    srv = SmtpServer(tmp_path, free_port()).start()
    yield srv
    srv.stop()


def deliveries(db):
    with write_connection(db) as con:
        return fetch_polars(con, "SELECT * FROM alerts.deliveries ORDER BY message_id, recipient")


def test_starttls_and_login_deliver_every_message(tmp_path, server):
    db = tmp_path / "w.duckdb"
    queue(db, 2, people(3))
    result = deliver_pending(partial(write_connection, db), SmtpTransport(settings(server)), FROM, Clock())
    assert (result.sent, result.retrying, result.errors) == (6, 0, [])
    assert len(server.inbox.received) == 6
    got = server.inbox.received[0]["message"]
    assert got["From"].addresses[0].addr_spec == "envmon@example.cn"
    bodies = Counter(r["message"].get_body(("plain",)).get_content().strip() for r in server.inbox.received)
    assert bodies == {"正文 0": 3, "正文 1": 3}
    assert set(deliveries(db)["status"]) == {"sent"}


def test_server_down_then_up_delivers_each_message_exactly_once(tmp_path):
    db, port, clock = tmp_path / "w.duckdb", free_port(), Clock()
    queue(db, 3, people(2))
    srv = SmtpServer(tmp_path, port)  # not started yet: the server is down
    smtp = lambda: SmtpTransport(settings(srv))  # noqa: E731
    for minutes in (0, 1, 3):  # three passes during the outage
        clock.t = T0 + dt.timedelta(minutes=minutes)
        result = deliver_pending(partial(write_connection, db), smtp(), FROM, clock)
        assert result.sent == 0
    rows = deliveries(db)
    assert set(rows["status"]) == {"pending"} and rows["last_error"].str.contains("unavailable").all()
    assert (rows["next_attempt"] > clock.t).all()  # backing off: the next pass right now sends nothing
    srv.start()
    try:
        assert deliver_pending(partial(write_connection, db), smtp(), FROM, clock).sent == 0
        clock.t += dt.timedelta(hours=2)
        assert deliver_pending(partial(write_connection, db), smtp(), FROM, clock).sent == 6
        clock.t += dt.timedelta(hours=2)
        assert deliver_pending(partial(write_connection, db), smtp(), FROM, clock).sent == 0  # nothing twice
        queue(db, 3, people(2))  # a re-run queues the same messages again: no-op
        assert deliver_pending(partial(write_connection, db), smtp(), FROM, clock).sent == 0
    finally:
        srv.stop()
    per_message = Counter((r["message"]["Message-ID"], tuple(r["rcpt"])) for r in srv.inbox.received)
    assert len(per_message) == 6 and set(per_message.values()) == {1}


def test_wrong_password_is_a_clear_error_and_mail_stays_pending(tmp_path, server):
    db = tmp_path / "w.duckdb"
    queue(db, 1, people(1))
    result = deliver_pending(partial(write_connection, db), SmtpTransport(settings(server, "wrong-pw")), FROM, Clock())
    assert result.sent == 0 and server.inbox.received == []
    error = result.errors[0]
    assert "login refused" in error and "ENVMON_SMTP_PASSWORD" in error and "wrong-pw" not in error
    row = deliveries(db).row(0, named=True)
    assert row["status"] == "pending" and "login refused" in row["last_error"] and "wrong-pw" not in row["last_error"]
    assert "wrong-pw" not in repr(settings(server, "wrong-pw"))


def test_names_with_crlf_cannot_inject_headers(tmp_path, server):
    db = tmp_path / "w.duckdb"
    evil_area = "自贡\r\nBcc: victim@evil.example\r\nX-Injected: yes"
    n = Notification(
        event_id="ev1",
        status="issued",
        level="orange",
        title_zh="重污染天气预警",
        title_en="heavy pollution warning",
        subjects=[evil_area, "内江"],
        day="2026-11-27",
        evidence=[{"area": evil_area, "aqi": 250}],
    )
    mail = render(n)
    victim = Contact("joint_office", "Joint\r\nBcc: victim@evil.example", "joint@example.cn")
    with write_connection(db) as con:
        enqueue_email(con, key="evil", to=[victim], subject=mail.subject, text=mail.text, html=mail.html, now=T0)
    result = deliver_pending(partial(write_connection, db), SmtpTransport(settings(server)), FROM, Clock())
    assert result.sent == 1
    (got,) = server.inbox.received
    assert got["rcpt"] == ["joint@example.cn"]
    msg = got["message"]
    assert msg["Bcc"] is None and msg["X-Injected"] is None
    assert "自贡 Bcc: victim@evil.example X-Injected: yes" in str(msg["Subject"])
    assert '">自贡' in msg.get_body(("html",)).get_content()


def test_outbox_transport_writes_readable_eml_once(tmp_path):
    db, outbox = tmp_path / "w.duckdb", tmp_path / "outbox"
    queue(db, 2, people(2))
    assert deliver_pending(partial(write_connection, db), OutboxTransport(outbox), FROM, Clock()).sent == 4
    assert deliver_pending(partial(write_connection, db), OutboxTransport(outbox), FROM, Clock()).sent == 0
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 4 and b"Subject: " in files[0].read_bytes()
    with write_connection(db) as con:
        assert queue_counts(con) == {"sent": 4}


def test_attachments_reach_the_server(tmp_path, server):
    db = tmp_path / "w.duckdb"
    report = tmp_path / "月报-2026-10.csv"
    report.write_text("area,aqi\n自贡,88\n", encoding="utf-8")
    with write_connection(db) as con:
        enqueue_email(con, key="report:2026-10", to=people(1), subject="月报", text="见附件", attachments=[report])
    deliver_pending(partial(write_connection, db), SmtpTransport(settings(server)), FROM, Clock(now_cst()))
    (att,) = list(server.inbox.received[0]["message"].iter_attachments())
    assert att.get_filename() == "月报-2026-10.csv" and att.get_payload(decode=True) == report.read_bytes()
    assert att.get_content_charset() == "utf-8"


def test_demo_mail_reaches_only_example_addresses_the_rest_waits_in_the_outbox(tmp_path, server):
    """A workstation's demo with a real contacts file and a real server: the mail made from generated data goes by
    SMTP only to example addresses; a real address gets it as an .eml file in the outbox, recorded so."""
    from assets.alerts.mail.transport import DEMO_DIVERTED, transport_for
    from assets.demo import marked

    db, outbox = tmp_path / "w.duckdb", tmp_path / "outbox"
    contacts = [Contact("joint_office", "示例", "demo@example.cn"), Contact("river_chief", "河长", "hezhang@cq.gov.cn")]
    subject, text, _ = marked("濑溪河 水质超标", "正文")
    with write_connection(db) as con:
        enqueue_email(con, key="demo:1", to=contacts, subject=subject, text=text, now=T0)
        enqueue_email(con, key="real:1", to=contacts, subject="濑溪河 水质超标", text="正文", now=T0)

    result = deliver_pending(partial(write_connection, db), transport_for(settings(server), outbox), FROM, Clock())

    assert (result.sent, result.errors) == (4, [])
    smtp = Counter((r["message"]["Subject"].startswith("【演示数据"), r["rcpt"][0]) for r in server.inbox.received)
    assert smtp == {(True, "demo@example.cn"): 1, (False, "demo@example.cn"): 1, (False, "hezhang@cq.gov.cn"): 1}
    kept = list(outbox.glob("*.eml"))
    assert len(kept) == 1 and "hezhang@cq.gov.cn" in kept[0].name
    rows = deliveries(db).select("recipient", "transport", "status").rows()
    assert ("hezhang@cq.gov.cn", DEMO_DIVERTED, "sent") in rows
    assert all(t == "smtp" for r, t, _ in rows if r == "demo@example.cn")
