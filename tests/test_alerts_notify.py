"""Who is told what, and when, on hand-made state changes: the immediate routes and their follow-ups, grouping, the
digest hour, a change added after its day's digest, a change superseded before its digest, grouped outages."""

import datetime as dt
import json

import polars as pl
import pytest

from assets.alerts.notify.announce import announce
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.digest import compose_due_digests
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.candidates import NO_PLACE, Candidate, area_places, river_places
from assets.alerts.rules.lifecycle import apply_day
from assets.alerts.rules.rules_config import DEFAULT_RULES, load_rules
from warehouse.connection import fetch_polars, write_connection

D = dt.date(2026, 1, 10)
NOW = dt.datetime(2026, 1, 11, 9)
RULES = load_rules()
NOTIFY = NotifyRules.from_rules(RULES)
CONTACTS = load_contacts()


def warn(level, area="自贡", kind="area_warning"):
    audience = RULES.recipients.selectors(
        kind, area_places(area) if kind == "area_warning" else area_places("自贡", "荣昌")
    )
    return Candidate(
        kind,
        area if kind == "area_warning" else "region",
        level,
        "重污染天气预警",
        "warning",
        [area],
        audience,
        [{"AQI": 250}],
    )


def river(kind, code="LXH05", border=True):
    return Candidate(
        kind,
        code,
        "劣V",
        "断面持续超标",
        "exceedance",
        ["濑溪河 泸县入境(川渝界)"],
        RULES.recipients.selectors(kind, river_places("濑溪河")),
        topic="water",
        border=border,
    )


def outage(code, feed):
    return Candidate(
        "data_outage",
        code,
        "alert",
        "数据中断",
        "data outage",
        [code],
        RULES.recipients.selectors("data_outage", NO_PLACE),
        topic=f"outage:{feed}",
    )


def step(con, day, cands, kinds, notify=NOTIFY, now=NOW):
    rows = apply_day(con, day, cands, kinds, now)
    announce(con, rows, CONTACTS, ["test"], now, notify)
    return rows


def told(con):
    return fetch_polars(
        con,
        "SELECT n.*, m.mail_kind, m.mail_day, m.subject AS mail_subject FROM alerts.notifications n "
        "LEFT JOIN alerts.messages m USING (message_id) ORDER BY n.day, n.event_id, n.recipient",
    )


@pytest.mark.parametrize("level, channel", [("yellow", "digest"), ("orange", "immediate"), ("red", "immediate")])
def test_a_new_area_warning_is_immediate_from_orange(tmp_path, level, channel):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(con, D, [warn(level)], {"area_warning"})
        assert set(told(con)["channel"]) == {channel}


def test_upgrades_are_immediate_downgrades_wait_and_the_lift_follows_the_channel(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        day = lambda i: D + dt.timedelta(days=i)  # noqa: E731
        step(con, day(0), [warn("yellow", "自贡"), warn("yellow", "内江")], {"area_warning"})
        step(con, day(1), [warn("orange", "自贡"), warn("yellow", "内江")], {"area_warning"})  # 自贡 upgraded
        step(con, day(2), [warn("yellow", "自贡"), warn("yellow", "内江")], {"area_warning"})  # 自贡 downgraded
        step(con, day(3), [], {"area_warning"})  # both lifted
        t = told(con).filter(pl.col("role") == "joint_office")
    channel = {(r["subject"], r["status"]): r["channel"] for r in t.iter_rows(named=True)}
    assert channel == {
        ("自贡", "issued"): "digest",
        ("内江", "issued"): "digest",
        ("自贡", "upgraded"): "immediate",
        ("自贡", "downgraded"): "digest",
        ("自贡", "lifted"): "immediate",  # it was mailed at once
        ("内江", "lifted"): "digest",
    }


def test_river_routes_border_sections_incidents_and_outages(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(
            con,
            D,
            [
                river("river_exceedance", "LXH05", True),
                river("river_exceedance", "LXH02", False),
                river("river_incident", "LXH03", False),
                outage("1882A", "air"),
                outage("LXH04", "water"),
            ],
            {"river_exceedance", "river_incident", "data_outage"},
        )
        t = told(con)
    by = {(r["kind"], r["subject"]): r["channel"] for r in t.iter_rows(named=True)}
    assert by == {
        ("river_exceedance", "LXH05"): "immediate",
        ("river_exceedance", "LXH02"): "digest",
        ("river_incident", "LXH03"): "immediate",
        ("data_outage", "1882A"): "digest",
        ("data_outage", "LXH04"): "digest",
    }
    joint = t.filter((pl.col("role") == "joint_office") & (pl.col("channel") == "immediate"))
    assert joint["message_id"].n_unique() == 1 and joint.height == 2  # the day's river alerts: one mail (topic water)
    assert joint["mail_subject"][0].startswith("【川南渝西联合预警】2项预警 — ")


def rules_with(tmp_path, old: str, new: str):
    """The shipped rules with one text replaced, loaded as a file (ENVMON_ALERT_RULES) would be."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "x.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_rules(path)


BORDER_ROUTE = "border_section: true}"


def test_outages_mailed_at_once_are_one_mail_per_feed_and_day(tmp_path):
    route = BORDER_ROUTE + "\n    - {kind: data_outage, status: [issued]}"
    notify = NotifyRules.from_rules(rules_with(tmp_path, BORDER_ROUTE, route))
    with write_connection(tmp_path / "w.duckdb") as con:
        step(
            con,
            D,
            [outage(c, "air") for c in ("1882A", "1883A", "1884A")] + [outage("LXH04", "water")],
            {"data_outage"},
            notify,
        )
        mails = told(con).group_by("message_id").agg(pl.col("subject").sort())
    assert sorted(mails["subject"].to_list()) == [["1882A", "1883A", "1884A"], ["LXH04"]]


def test_the_digest_of_d_waits_for_its_hour_and_takes_every_waiting_change_of_d(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(con, D, [warn("yellow", "自贡"), warn("yellow", "内江")], {"area_warning"})
        con.execute("INSERT INTO alerts.evaluations VALUES (?, ?, '{}')", [D, NOW])
        assert compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 9, 59)) == []
        made = compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 10, 0))
        assert len(made) == 3  # the two area offices and the joint office
        assert compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 10, 1)) == []  # once only
        t = told(con)
    assert t["message_id"].null_count() == 0 and set(t["mail_kind"]) == {"digest"}
    joint = t.filter(pl.col("role") == "joint_office")
    assert joint["message_id"].n_unique() == 1 and joint.height == 2


def test_a_change_added_after_its_days_digest_goes_into_the_next_one_marked_late(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(con, D, [warn("yellow", "自贡")], {"area_warning"})
        con.execute(
            "INSERT INTO alerts.evaluations VALUES (?, ?, '{}'), (?, ?, '{}')", [D, NOW, D + dt.timedelta(days=1), NOW]
        )
        compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 10, 0))
        step(con, D, [warn("yellow", "自贡"), warn("yellow", "内江")], {"area_warning"})  # a re-run of D adds 内江
        # 内江's office had no digest of D yet: it gets it now; the joint office had one: its change waits for the next
        (first,) = compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 12, 0))
        assert (
            fetch_polars(con, "SELECT recipient FROM alerts.digests WHERE message_id = ?", [first]).item()
            == "air.neijiang@example.cn"
        )
        compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 12, 10, 0))
        late = fetch_polars(
            con,
            "SELECT m.mail_day, m.body_text FROM alerts.notifications n JOIN alerts.messages m "
            "USING (message_id) WHERE n.subject = '内江' AND n.role = 'joint_office'",
        ).row(0, named=True)
    assert late["mail_day"] == D + dt.timedelta(days=1) and f"{D}（补报 late）" in late["body_text"]


def test_a_change_superseded_before_its_digest_is_not_told_and_the_new_one_is(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(con, D, [warn("yellow", "自贡")], {"area_warning"})
        step(con, D, [], {"area_warning"})  # the day's data corrected: retracted before anyone was told
        con.execute("INSERT INTO alerts.evaluations VALUES (?, ?, '{}')", [D, NOW])
        compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 10, 0))
        t = told(con).filter(pl.col("role") == "joint_office").sort("status")
    assert t.select("status", "superseded", "mail_kind").rows() == [
        ("issued", True, None),
        ("retracted", False, "digest"),
    ]


def test_bad_notify_rules_name_the_file_and_the_route(tmp_path):
    route = BORDER_ROUTE + "\n    - {kind: area_warning, min_level: purple}"
    with pytest.raises(ValueError, match=r"x.yaml: notify.immediate\[#5\].min_level: 'purple' is not a level"):
        rules_with(tmp_path, BORDER_ROUTE, route)
    with pytest.raises(ValueError, match=r"x.yaml: notify.digest_hour: .* less than or equal to 23 \(got 25\)"):
        rules_with(tmp_path, "digest_hour: 10", "digest_hour: 25")
    assert json.dumps(NOTIFY.due(D), default=str) == '"2026-01-11 10:00:00"'
