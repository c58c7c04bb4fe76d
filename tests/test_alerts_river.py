"""River alerts through the real water SQL models: an incident upstream of the 濑溪河 border (荣昌 → 泸县) is
attributed to inflow from upstream at the downstream section, and withdrawing the readings retracts the alert."""

import datetime as dt

import polars as pl
import pytest

from assets.alerts.evaluate import evaluate_day
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.river import attribution_of
from assets.alerts.rules.rules_config import load_rules
from tests.alerts_scenario import build_models
from warehouse.connection import fetch_polars, write_connection

D = dt.date(2026, 6, 10)
NOW = dt.datetime(2026, 6, 11, 9)
CLEAN = {
    "water_temp": 24.0,
    "ph": 7.6,
    "dissolved_oxygen": 7.8,
    "conductivity": 420.0,
    "turbidity": 12.0,
    "codmn": 3.1,
    "ammonia_nitrogen": 0.3,
    "total_phosphorus": 0.08,
    "total_nitrogen": 1.1,
}
SECTIONS = ["LXH03", "LXH04", "LXH05", "LXH06"]


def readings() -> pl.DataFrame:
    """4-hourly readings D-3 .. D (00:00 of D+1 closes day D); TP 0.5 mg/L (劣V) at LXH04 from D 08:00 to 20:00,
    arriving 6 h later (the catalog's travel time) at LXH05 as 0.45 mg/L."""
    times = [dt.datetime.combine(D - dt.timedelta(days=3), dt.time(4)) + dt.timedelta(hours=4 * i) for i in range(24)]
    rows = []
    for code in SECTIONS:
        for ts in times:
            tp = CLEAN["total_phosphorus"]
            if code == "LXH04" and dt.datetime.combine(D, dt.time(8)) <= ts <= dt.datetime.combine(D, dt.time(20)):
                tp = 0.5
            if code == "LXH05" and dt.datetime.combine(D, dt.time(16)) <= ts <= dt.datetime.combine(
                D, dt.time(23, 59)
            ) + dt.timedelta(minutes=1):
                tp = 0.45
            rows.append({"section_code": code, "ts": ts, **CLEAN, "total_phosphorus": tp})
    return pl.DataFrame(rows).with_columns(
        reported_class=pl.lit(None, pl.String),
        source=pl.lit("test"),
        batch_id=pl.lit("b1"),
        load_partition=pl.col("ts").dt.date(),
    )


def load(con, frame: pl.DataFrame) -> None:
    con.execute("DELETE FROM staging.water_readings")
    con.register("_w", frame.to_arrow())
    con.execute("INSERT INTO staging.water_readings BY NAME SELECT * FROM _w")
    build_models(con, ["marts.water_reading_class"])


@pytest.fixture
def warehouse(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        load(con, readings())
        yield con


def test_incident_upstream_of_the_border_is_inflow_from_upstream_downstream(warehouse):
    ev = evaluate_day(warehouse, D, load_rules(), load_contacts(), NOW, ["test"])
    by_key = {c.key: c for c in ev.candidates}
    down = by_key[("river_exceedance", "LXH05")]
    assert attribution_of(down) == "inflow from upstream"
    assert down.summary_zh.startswith("总磷超标3次；濑溪河 泸县入境(川渝界)连续3次") and down.level == "劣V"
    assert "超标因子 总磷）" in down.summary_zh and "total_phosphorus" not in down.summary_zh + str(down.evidence)
    assert down.summary_en.startswith("total phosphorus (TP) exceeded in 3 readings")
    assert down.capture_pct == 100.0 and down.border  # 6 of the day's 6 readings
    assert "跨界" in down.title_zh and {r["上游断面 upstream"] for r in down.evidence} == {"LXH04"}
    assert down.evidence[0]["总磷 (mg/L)"] == 0.45 and down.evidence[0]["超标因子 parameters"] == "总磷"
    assert attribution_of(by_key[("river_exceedance", "LXH04")]) == "local increase"  # LXH03 upstream was clean
    assert attribution_of(by_key[("river_incident", "LXH05")]) == "inflow from upstream"
    assert ("river_exceedance", "LXH06") not in by_key and ("river_exceedance", "LXH03") not in by_key
    mails = fetch_polars(
        warehouse,
        "SELECT n.channel, m.subject, d.recipient FROM alerts.notifications n "
        "JOIN alerts.messages m USING (message_id) JOIN alerts.deliveries d USING (message_id) "
        "WHERE n.event_id = 'river_exceedance/LXH05/2026-06-10'",
    )
    assert set(mails["recipient"]) == {"laixi.cq@example.cn", "laixi.sc@example.cn", "joint.office@example.cn"}
    assert set(mails["channel"]) == {"immediate"}  # a sustained exceedance at a border section: at once
    # the day's river alerts of one recipient are one mail (grouped by topic): this one among them
    assert all("劣V类 断面持续超标（跨界断面） — 濑溪河 泸县入境(川渝界)" in subject for subject in mails["subject"])


def test_withdrawn_readings_retract_the_alert_with_an_email(warehouse):
    evaluate_day(warehouse, D, load_rules(), load_contacts(), NOW, ["test"])
    # the monitoring centre withdraws the TP values of the incident (instrument fault): a corrected delivery
    corrected = readings().with_columns(
        total_phosphorus=pl.when(pl.col("total_phosphorus") > 0.2).then(None).otherwise(pl.col("total_phosphorus"))
    )
    load(warehouse, corrected)
    ev = evaluate_day(warehouse, D, load_rules(), load_contacts(), NOW, ["test"])
    retracted = {r["event_id"] for r in ev.changes if r["status"] == "retracted"}
    assert "river_exceedance/LXH05/2026-06-10" in retracted and "river_incident/LXH04/2026-06-10" in retracted
    events = fetch_polars(warehouse, "SELECT event_id, status FROM alerts.events WHERE kind LIKE 'river%'")
    assert set(events["status"]) == {"retracted"}
    mails = fetch_polars(
        warehouse,
        "SELECT n.status, n.channel, m.subject, n.recipient FROM alerts.notifications n "
        "JOIN alerts.messages m USING (message_id) "
        "WHERE n.event_id = 'river_exceedance/LXH05/2026-06-10'",
    )
    assert sorted(mails["status"].to_list()) == ["issued"] * 3 + ["retracted"] * 3  # each of the 3 recipients
    assert set(mails["channel"]) == {"immediate"}  # mailed at once, so its retraction is too
    retraction = mails.filter(pl.col("status") == "retracted")["subject"]
    assert all("撤回 劣V类 断面持续超标（跨界断面） — 濑溪河 泸县入境(川渝界)" in s for s in retraction)
    again = evaluate_day(warehouse, D, load_rules(), load_contacts(), NOW, ["test"])
    assert again.changes == [] and again.queued == 0


def test_below_a_confluence_one_row_per_reading_and_any_exceeding_upstream_counts():
    from assets.alerts.rules.river import attribute

    sections = pl.read_csv("dbt_like_sql/seeds/water_sections.csv")
    t = dt.datetime(2026, 6, 10, 12)
    frame = pl.DataFrame(
        {
            "section_code": ["TJ03", "LXH06", "TJ02"],
            "ts": [t, t - dt.timedelta(hours=4), t - dt.timedelta(hours=24)],  # travel: LXH06 3 h, TJ02 24 h
            "water_class": ["IV", "II", "V"],
            "compliant": [False, True, False],
        }
    )
    out = attribute(frame, sections, 4).filter(pl.col("section_code") == "TJ03")
    assert out.height == 1 and out["up_section"][0] == "TJ02" and out["up_exceeds"][0]
