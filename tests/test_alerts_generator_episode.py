"""Scenario: the generator's regional PM2.5 episode of November 2025 (seed 2023) through the warning rules.

Forecasts are the generator's own future plus error (issued each morning), observations the generator's days.
Expected: per-area warnings in both provinces, one regional warning with an upgrade, lifts when the episode ends,
one e-mail per state change and recipient, and nothing re-sent when days are re-run.
"""

import datetime as dt
import json

import pytest

from tests.alerts_scenario import prepare, run_day
from warehouse.connection import fetch_polars, write_connection

DAYS = [dt.date(2025, 11, 1) + dt.timedelta(days=i) for i in range(10)]


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


def test_one_email_per_state_change_and_recipient(episode):
    db, changes = episode
    with write_connection(db) as con:
        deliveries = fetch_polars(con, "SELECT d.*, m.event_id, m.subject FROM alerts.deliveries d JOIN alerts.messages m USING (message_id)")
        notified = fetch_polars(con, "SELECT * FROM alerts.event_log WHERE status <> 'active'")
    assert deliveries.height == deliveries.select("message_id", "recipient").n_unique()
    assert notified["message_id"].n_unique() == notified.height == sum(len(c) for c in changes.values())
    regional_mail = deliveries.filter(deliveries["event_id"].str.starts_with("regional_warning"))
    assert regional_mail.group_by("message_id").len()["len"].to_list() == [11] * regional_mail["message_id"].n_unique()
    first = regional_mail.sort("queued_at")["subject"][0]
    assert first.startswith("【川南渝西联合预警】黄色 区域重污染天气联合预警 — ")
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
