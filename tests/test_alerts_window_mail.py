"""The joint office's life over `envmon run`'s 14-day window on the embedded generator (the window that sent 198
e-mails, 66 of them to the joint office, before digests): checked from the outbox files alone.

- at most one digest and two immediate mails per recipient and day;
- every state change of alerts.event_log is in exactly one mail per recipient;
- the run's summary prints the e-mails per recipient role;
- the ledger's times are in order, `envmon ack` records once (twice is harmless), the monthly report shows the
  "time to notify / time to acknowledge" section.
"""

import contextlib
import datetime as dt
import io
import json
import re
from collections import Counter
from email import message_from_bytes, policy

import polars as pl
import pytest

from assets.alerts.dispatch import dispatch
from assets.alerts.mail.transport import OutboxTransport
from assets.alerts.notify.contacts import load_contacts, recipients_for
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from assets.clock import now_cst
from pipelines.cli import main as envmon
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]

START, END = dt.date(2026, 11, 18), dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("window") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ENVMON_DATA_DIR", str(data_dir))
        mp.setenv("DAGSTER_HOME", str(data_dir / "dagster"))
        mp.delenv("ENVMON_SMTP_HOST", raising=False)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert envmon(["run", "--start", str(START), "--end", str(END)]) == 0
        paths = DataPaths(data_dir)
        # the digest of the last day is due at 10:00 the day after: the sensor's pass at that hour
        later = max(now_cst(), dt.datetime.combine(END + dt.timedelta(days=1), dt.time(10, 1)))
        dispatch(
            lambda: write_connection(paths.warehouse),
            load_contacts(),
            NotifyRules.from_rules(load_rules()),
            OutboxTransport(paths.outbox),
            "envmon <envmon@example.cn>",
            lambda: later,
        )
        yield {"data_dir": data_dir, "paths": paths, "summary": out.getvalue()}


def outbox(paths) -> list[dict]:
    mails = []
    for eml in sorted(paths.outbox.glob("*.eml")):
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        mails.append(
            {
                "to": msg["To"].addresses[0].addr_spec,
                "kind": str(msg["X-Envmon-Kind"] or ""),
                "day": str(msg["X-Envmon-Day"] or ""),
                "changes": str(msg["X-Envmon-Changes"] or "").split(),
                "msg": msg,
            }
        )
    return mails


def test_at_most_one_digest_and_two_immediate_mails_per_recipient_and_day(window):
    mails = [m for m in outbox(window["paths"]) if m["kind"] in ("alert", "digest")]
    per_day = Counter((m["to"], m["day"], m["kind"]) for m in mails)
    assert max(n for (_, _, kind), n in per_day.items() if kind == "digest") == 1
    assert max(n for (_, _, kind), n in per_day.items() if kind == "alert") <= 2
    joint = [m for m in mails if m["to"] == "joint.office@example.cn"]
    assert 0 < len(joint) <= 3 * 14 and len(mails) < 198  # fewer than one mail per state change and recipient


def test_every_state_change_is_in_exactly_one_mail_per_recipient(window):
    contacts = load_contacts()
    with write_connection(window["paths"].warehouse) as con:
        changes = fetch_polars(
            con, "SELECT message_id AS change_id, recipients FROM alerts.event_log WHERE message_id IS NOT NULL"
        )
    expected = {
        (r["change_id"], c.email)
        for r in changes.iter_rows(named=True)
        for c in recipients_for(json.loads(r["recipients"]), contacts)
    }
    found = Counter((cid, m["to"]) for m in outbox(window["paths"]) for cid in m["changes"])
    assert len(expected) > 100
    assert {pair: found[pair] for pair in expected if found[pair] != 1} == {}


def test_mails_carry_cst_dates_the_sender_the_offices_and_the_ack_command(window):
    mails = outbox(window["paths"])
    assert all(m["msg"]["Date"].endswith("+0800") for m in mails)
    assert {m["msg"]["From"].addresses[0].addr_spec for m in mails} == {"envmon@example.cn"}
    immediate = next(m for m in mails if m["kind"] == "alert" and m["to"] == "joint.office@example.cn")
    text = immediate["msg"].get_body(("plain",)).get_content()
    assert "已发送 / sent to：" in text and "四川：" in text and "重庆：" in text
    assert re.search(r"确认收到 / acknowledge：envmon ack \S+ --by joint\.office@example\.cn", text)
    for m in mails:  # no Python reprs, no column ids, no river named twice
        body = m["msg"].get_body(("plain",)).get_content()
        assert "['" not in body and not re.search(r"total_phosphorus|ammonia_nitrogen|codmn|dissolved_oxygen", body)
        assert not re.search(r"(濑溪河|大清流河|大陆溪河|清溪河|马鞍河|沱江|长江) \1", body)


def test_the_run_summary_prints_the_mails_per_recipient_role(window):
    summary = window["summary"]
    assert "e-mails per recipient role:" in summary
    lines = {
        line.split()[0]: line.split()[1:]
        for line in summary.splitlines()
        if line.strip().startswith(("area_air_office", "river_chief", "joint_office", "data_operations"))
    }
    assert lines["joint_office"][0] == "1" and lines["river_chief"][0] == "14"
    with write_connection(window["paths"].warehouse) as con:
        immediate = fetch_polars(
            con,
            "SELECT count(*) AS n FROM alerts.messages m JOIN alerts.deliveries d "
            "USING (message_id) WHERE d.recipient = 'joint.office@example.cn' "
            "AND m.mail_kind = 'alert'",
        )["n"][0]
    assert int(lines["joint_office"][1]) == immediate


def test_ledger_times_are_in_order(window):
    with write_connection(window["paths"].warehouse) as con:
        ledger = fetch_polars(con, "SELECT * FROM alerts.ledger")
        told = fetch_polars(
            con, "SELECT count(DISTINCT (event_id, recipient)) AS n FROM alerts.notifications WHERE NOT superseded"
        )["n"][0]
    assert ledger.height == told
    done = ledger.filter(pl.col("delivered_at").is_not_null())
    assert done.height == ledger.height and done["data_arrived_at"].null_count() == 0
    assert (done["data_arrived_at"] <= done["evaluated_at"]).all()
    assert (done["evaluated_at"] <= done["queued_at"]).all() and (done["queued_at"] <= done["delivered_at"]).all()
    assert set(done["channel"]) == {"immediate", "digest"}


def test_envmon_ack_records_once_and_the_report_shows_the_section(window, capsys):
    with write_connection(window["paths"].warehouse) as con:
        target = fetch_polars(
            con,
            "SELECT event_id, recipient FROM alerts.ledger WHERE channel = 'immediate' "
            "AND recipient = 'joint.office@example.cn' LIMIT 1",
        ).row(0, named=True)
    assert envmon(["ack", target["event_id"], "--by", "JOINT.office@example.cn", "--note", "值班员 张三"]) == 0
    assert "acknowledged for 川南渝西联合办公室" in capsys.readouterr().out
    assert envmon(["ack", target["event_id"], "--by", "川南渝西联合办公室"]) == 0  # by name, again: harmless
    assert "already acknowledged" in capsys.readouterr().out
    assert envmon(["ack", target["event_id"], "--by", "someone@else.cn"]) == 1
    assert "is not a recipient of" in capsys.readouterr().err
    with write_connection(window["paths"].warehouse) as con:
        acks = fetch_polars(con, "SELECT * FROM alerts.acknowledgements")
        row = fetch_polars(
            con,
            "SELECT * FROM alerts.ledger WHERE event_id = ? AND recipient = ?",
            [target["event_id"], target["recipient"]],
        ).row(0, named=True)
    assert acks.height == 1 and acks["note"][0] == "值班员 张三"
    assert row["delivered_at"] <= row["acknowledged_at"] and row["minutes_to_acknowledge"] >= 0
    assert envmon(["report", "--month", "2026-11"]) == 0
    html = (window["paths"].reports / "2026-11" / "envmon_report_2026-11.html").read_text(encoding="utf-8")
    section = html.split("Time to notify / time to acknowledge")[1].split("<h2>")[0]
    assert "联合办公室" in section and "通知中位数 Notify median (min)" in section and "已确认 Acknowledged" in section
