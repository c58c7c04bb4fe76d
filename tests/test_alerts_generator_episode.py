"""Scenario: the generator's regional PM2.5 episode of November 2025 (seed 2023) through the warning rules.

Forecasts are the generator's own future plus error (issued each morning), observations the generator's days.
Expected: per-area warnings in both provinces, one regional warning with an upgrade, lifts when the episode ends,
each state change in one e-mail per recipient (immediate or digest, at most two immediate mails and one digest per
recipient and day), and nothing re-sent when days are re-run.
"""

import datetime as dt
import json

import polars as pl
import pytest

from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.digest import compose_due_digests
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from tests.alerts_scenario import prepare, run_day
from warehouse.connection import fetch_polars, write_connection

DAYS = [dt.date(2025, 11, 1) + dt.timedelta(days=i) for i in range(10)]
LATER = dt.datetime(2025, 11, 12, 10)  # the digest hour after the last day


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    db = tmp_path_factory.mktemp("episode") / "w.duckdb"
    prepare(db)
    changes = {day: run_day(db, day).changes for day in DAYS}
    return db, changes


def log(db):
    with write_connection(db) as con:
        return fetch_polars(con, "SELECT * FROM alerts.event_log ORDER BY day, event_id")


def test_per_area_warnings_in_both_provinces_and_one_regional_warning(episode):
    db, _ = episode
    events = log(db)
    issued = events.filter((events["kind"] == "area_warning") & (events["status"] == "issued"))
    areas = set(issued["subject"])
    assert {"自贡", "内江", "宜宾"} & areas and {"大足", "永川", "荣昌"} & areas and len(areas) >= 6
    regional = events.filter(events["kind"] == "regional_warning")
    assert regional["event_id"].n_unique() == 1
    statuses = regional.filter(regional["status"] != "active")["status"].to_list()
    assert statuses[0] == "issued" and "upgraded" in statuses and statuses[-1] == "lifted"
    assert "upgraded" in set(events.filter(events["kind"] == "area_warning")["status"])


def test_every_warning_is_lifted_when_the_episode_ends(episode):
    db, _ = episode
    with write_connection(db) as con:
        current = fetch_polars(con, "SELECT * FROM alerts.events WHERE kind LIKE '%warning'")
    assert set(current["status"]) == {"lifted"}
    assert (current["last_seen"] < dt.date(2025, 11, 9)).all()


def test_each_state_change_reaches_each_recipient_in_one_mail(episode):
    db, changes = episode
    with write_connection(db) as con:
        composed = compose_due_digests(con, load_contacts(), NotifyRules.from_rules(load_rules()), LATER)
        told = fetch_polars(
            con,
            "SELECT n.*, m.subject AS mail_subject, m.mail_kind, m.mail_day FROM alerts.notifications n "
            "LEFT JOIN alerts.messages m USING (message_id)",
        )
        notified = fetch_polars(con, "SELECT * FROM alerts.event_log WHERE status <> 'active'")
        per_message = fetch_polars(con, "SELECT message_id, count(*) AS n FROM alerts.deliveries GROUP BY 1")
    assert composed and told["message_id"].null_count() == 0  # every change is in a mail once the digests are due
    assert notified["message_id"].n_unique() == notified.height == sum(len(c) for c in changes.values())
    assert set(told["change_id"]) == set(notified["message_id"])
    assert set(per_message["n"]) == {1}  # a mail per recipient (its own acknowledgement command)
    regional = told.filter(pl.col("kind") == "regional_warning")
    assert set(regional.group_by("change_id").len()["len"]) == {11}  # ten area offices and the joint office
    assert set(regional.filter(pl.col("status").is_in(["issued", "upgraded", "lifted"]))["channel"]) == {"immediate"}
    first = regional.filter((pl.col("status") == "issued") & (pl.col("recipient") == "air.zigong@example.cn"))
    assert "黄色 区域重污染天气联合预警 — " in first["mail_subject"][0]
    mails = told.unique(["message_id", "recipient"])
    per_day = mails.group_by("recipient", "mail_day", "mail_kind").len()
    assert per_day.filter(pl.col("mail_kind") == "digest")["len"].max() == 1
    assert per_day.filter(pl.col("mail_kind") == "alert")["len"].max() <= 2  # air and water, at most
    recipients = json.loads(notified.filter(notified["kind"] == "area_warning")["recipients"][0])
    assert {"role": "joint_office"} in recipients


def test_rerunning_days_sends_nothing_again(episode):
    db, _ = episode
    with write_connection(db) as con:
        before = fetch_polars(con, "SELECT count(*) AS n FROM alerts.deliveries")["n"][0]
    for day in DAYS[2:5]:
        ev = run_day(db, day)
        assert ev.changes == [] and ev.queued == 0
    with write_connection(db) as con:
        assert fetch_polars(con, "SELECT count(*) AS n FROM alerts.deliveries")["n"][0] == before
