"""Data outages go to the data-operations contact: a silent station, a day below the validity rule, a silent
river section; and `envmon deliver` sends what is queued."""

import datetime as dt
from email import message_from_bytes, policy
from pathlib import Path

import polars as pl

from assets.alerts.evaluate import evaluate_day
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.outage import air_outages, water_outages
from assets.alerts.rules.rules_config import load_rules
from assets.ingest.batches import record_batch
from pipelines.cli import main as cli
from tests.alerts_scenario import build_models
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

D = dt.date(2026, 3, 5)
NOW = dt.datetime(2026, 3, 6, 9)


def hours(skip=()):
    return [dt.datetime.combine(D, dt.time(0)) + dt.timedelta(hours=h) for h in range(1, 25) if h not in skip]


def prepare(con):
    build_models(con, ["intermediate.air_hourly_valid"])
    stations = ["1882A", "1883A", "1884A"]  # 宜宾
    rows = []
    for code in stations:
        # 1883A: 7 h silent; 1884A: 4 h silent, 20 hours (valid day); 1882A: 5 scattered gaps, 19 hours (invalid day)
        skip = {"1883A": range(9, 16), "1884A": range(1, 5), "1882A": (2, 5, 8, 11, 14)}[code]
        rows += [
            {"station_code": code, "ts": ts, "pm25": 40.0, "pm10": 60.0, "so2": 8.0, "no2": 30.0, "o3": 50.0, "co": 0.8}
            for ts in hours(skip)
        ]
    frame = pl.DataFrame(rows).with_columns(source=pl.lit("test"), batch_id=pl.lit("b"), load_partition=pl.lit(D))
    con.register("_h", frame.to_arrow())
    con.execute("INSERT INTO staging.air_hourly BY NAME SELECT * FROM _h")
    con.execute("DELETE FROM seeds.stations WHERE code NOT IN ('1882A', '1883A', '1884A')")
    water = [
        {"section_code": "LXH04", "ts": dt.datetime.combine(D, dt.time(0)) + dt.timedelta(hours=h), "ph": 7.5}
        for h in (4, 8, 20, 24)
    ]  # 12:00 and 16:00 missing: 8 h silent
    water += [
        {"section_code": "LXH05", "ts": dt.datetime.combine(D, dt.time(0)) + dt.timedelta(hours=h), "ph": 7.5}
        for h in (4, 8, 16, 20, 24)
    ]  # 12:00 missing: 4 h beyond the rhythm, and 5 readings: fine
    frame = pl.DataFrame(water).with_columns(source=pl.lit("t"), batch_id=pl.lit("b"), load_partition=pl.lit(D))
    con.register("_w", frame.to_arrow())
    con.execute("INSERT INTO staging.water_readings BY NAME SELECT * FROM _w")
    con.execute("DELETE FROM seeds.water_sections WHERE section_code NOT IN ('LXH04', 'LXH05')")
    for dataset in ("air_hourly", "water_readings"):  # the day's feeds were fetched
        record_batch(con, dataset, "test", D, "b", Path("raw.parquet"), 1, 1, 0)


def test_outages_reach_data_operations_and_envmon_deliver_sends_them(data_dir, monkeypatch, capsys):
    monkeypatch.delenv("ENVMON_SMTP_HOST", raising=False)
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        prepare(con)
        ev = evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"])
        outages = {c.subject: c for c in ev.candidates if c.kind == "data_outage"}
        assert set(outages) == {"1882A", "1883A", "LXH04"}  # invalid day; 7 h silent station; 8 h silent section
        assert outages["1882A"].evidence[0]["PM2.5有效小时 valid PM2.5 hours"] == 19
        assert outages["1883A"].evidence[0]["最长无有效数据(h) longest silence (h)"] == 7
        assert outages["LXH04"].subjects == ["濑溪河 荣昌出境(川渝界) (LXH04)"]  # the river named once
        assert outages["LXH04"].capture_pct == 66.7 and "收到4/6次，缺测2次" in outages["LXH04"].summary_zh
        assert outages["1883A"].capture_pct == 70.8
        told = fetch_polars(con, "SELECT DISTINCT recipient, channel FROM alerts.notifications")
        assert told.rows() == [("data.ops@example.cn", "digest")]  # outages wait for the daily digest
    assert cli(["deliver"]) == 0  # D's digest is due (D+1 10:00 has passed): composed and sent
    out = capsys.readouterr().out
    assert "1 sent" in out and "daily digests composed: 1" in out
    (eml,) = paths.outbox.glob("*.eml")  # the day's outages, air and river: one mail listing them all
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"] == f"【川南渝西联合预警】每日摘要 daily digest {D} — 3项变化 changes"
    body = msg.get_body(("plain",)).get_content()
    assert "■ 数据中断 / data outages（3）" in body and all(code in body for code in ("1882A", "1883A", "LXH04"))
    assert cli(["deliver"]) == 0 and "0 sent" in capsys.readouterr().out
    with write_connection(paths.warehouse) as con:
        # a day whose feeds were never fetched (before the pipeline ran, or touched only by a late reading) is
        # not an outage of the feed
        con.execute("DELETE FROM meta.batches")
        cfg = load_rules().outage
        assert air_outages(con, D, cfg) == [] and water_outages(con, D, cfg) == []


def test_outage_text_tells_missing_hours_invalidated_values_and_late_data_apart(tmp_path):
    """1883A: all 24 hours arrived, 8 stuck PM2.5 values invalidated (STK): 16 valid hours, capture 66.7 %, not
    "data missing". 1884A: 18 of 24 hours arrived: 6 missing. 1882A: 15 hours with the day's batch and 3 with the
    next day's (late): 18 hours, still too few."""
    with write_connection(tmp_path / "w.duckdb") as con:
        build_models(con, ["intermediate.air_hourly_valid"])
        con.execute("DELETE FROM seeds.stations WHERE code NOT IN ('1882A', '1883A', '1884A')")
        values = {"pm25": 40.0, "pm10": 60.0, "so2": 8.0, "no2": 30.0, "o3": 50.0, "co": 0.8}
        rows = [{"station_code": "1883A", "ts": ts, **values, "load_partition": D} for ts in hours()]
        rows += [
            {"station_code": "1884A", "ts": ts, **values, "load_partition": D}
            for ts in hours(skip=(1, 2, 3, 4, 10, 17))
        ]
        on_time, late = hours()[:15], hours()[15:18]
        rows += [{"station_code": "1882A", "ts": ts, **values, "load_partition": D} for ts in on_time]
        rows += [
            {"station_code": "1882A", "ts": ts, **values, "load_partition": D + dt.timedelta(days=1)} for ts in late
        ]
        frame = pl.DataFrame(rows).with_columns(source=pl.lit("test"), batch_id=pl.lit("b"))
        con.register("_h", frame.to_arrow())
        con.execute("INSERT INTO staging.air_hourly BY NAME SELECT * FROM _h")
        stuck = pl.DataFrame(
            {"station_code": "1883A", "ts": hours()[8:16], "pollutant": "pm25", "flag_code": "STK", "load_partition": D}
        )
        con.register("_f", stuck.to_arrow())
        con.execute("INSERT INTO staging.air_value_flags BY NAME SELECT * FROM _f")
        record_batch(con, "air_hourly", "test", D, "b", Path("raw.parquet"), 1, 1, 0)
        found = {c.subject: c for c in air_outages(con, D, load_rules().outage)}
    assert set(found) == {"1882A", "1883A", "1884A"}
    stuck_day = found["1883A"]
    assert stuck_day.capture_pct == 66.7  # 16 valid PM2.5 hours of 24, as GB 3095 counts them
    assert "收到24/24小时，缺测0小时，无效值8个（PM2.5 恒值(STK)×8）" in stuck_day.summary_zh
    assert "PM2.5有效16小时，不足20小时" in stuck_day.summary_zh and "迟到" not in stuck_day.summary_zh
    assert "24 of 24 hours received, 0 missing, 8 values invalidated (PM2.5 恒值(STK) x8)" in stuck_day.summary_en
    assert stuck_day.evidence[0]["无效值 invalidated values"] == "PM2.5 恒值(STK) ×8"
    gaps = found["1884A"]
    assert "收到18/24小时，缺测6小时。" in gaps.summary_zh and "无效值" not in gaps.summary_zh
    assert "请检查仪器与传输（缺测）。" in gaps.summary_zh and gaps.capture_pct == 75.0
    slow = found["1882A"]
    assert "收到18/24小时，缺测6小时，迟到3小时（随后续批次补报）" in slow.summary_zh
    assert "3 hours arrived late (with a later day's batch)" in slow.summary_en
    assert slow.evidence[0]["迟到小时 hours late"] == 3 and slow.topic == "outage:air"


def test_a_national_catalog_raises_outages_only_for_the_region_stations(tmp_path):
    """The national list's stations beyond the ten areas are context: silent, they raise nothing."""
    with write_connection(tmp_path / "w.duckdb") as con:
        prepare(con)
        con.execute(
            "INSERT INTO seeds.stations SELECT * REPLACE ('1431A' AS code, '成都' AS area, '成都市' AS city) "
            "FROM seeds.stations WHERE code = '1882A'"
        )  # a 成都 station of the national list, in service, silent all day
        found = {c.subject for c in air_outages(con, D, load_rules().outage)}
    assert found == {"1882A", "1883A"}
