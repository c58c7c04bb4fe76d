"""Data outages go to the data-operations contact: a silent station, a day below the validity rule, a silent
river section; and `envmon deliver` sends what is queued."""

import datetime as dt
from pathlib import Path

import polars as pl

from assets.alerts.contacts import load_contacts
from assets.alerts.evaluate import evaluate_day
from assets.alerts.outage import air_outages, water_outages
from assets.alerts.rules_config import load_rules
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
        rows += [{"station_code": code, "ts": ts, "pm25": 40.0, "pm10": 60.0, "so2": 8.0, "no2": 30.0, "o3": 50.0,
                  "co": 0.8} for ts in hours(skip)]
    frame = pl.DataFrame(rows).with_columns(source=pl.lit("test"), batch_id=pl.lit("b"), load_partition=pl.lit(D))
    con.register("_h", frame.to_arrow())
    con.execute("INSERT INTO staging.air_hourly BY NAME SELECT * FROM _h")
    con.execute("DELETE FROM seeds.stations WHERE code NOT IN ('1882A', '1883A', '1884A')")
    water = [{"section_code": "LXH04", "ts": dt.datetime.combine(D, dt.time(0)) + dt.timedelta(hours=h), "ph": 7.5}
             for h in (4, 8, 20, 24)]  # 12:00 and 16:00 missing: 8 h silent
    water += [{"section_code": "LXH05", "ts": dt.datetime.combine(D, dt.time(0)) + dt.timedelta(hours=h), "ph": 7.5}
              for h in (4, 8, 16, 20, 24)]  # 12:00 missing: 4 h beyond the rhythm, and 5 readings: fine
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
        assert outages["1882A"].evidence[0]["valid PM2.5 hours"] == 19
        assert outages["1883A"].evidence[0]["longest silence (h)"] == 7 and outages["1883A"].capture_pct == 70.8
        to = fetch_polars(con, "SELECT DISTINCT recipient FROM alerts.deliveries")["recipient"].to_list()
        assert to == ["data.ops@example.cn"]
    assert cli(["deliver"]) == 0
    assert "3 sent" in capsys.readouterr().out
    assert len(list(paths.outbox.glob("*.eml"))) == 3
    assert cli(["deliver"]) == 0 and "0 sent" in capsys.readouterr().out
    with write_connection(paths.warehouse) as con:
        # a day whose feeds were never fetched (before the pipeline ran, or touched only by a late reading) is
        # not an outage of the feed
        con.execute("DELETE FROM meta.batches")
        cfg = load_rules()["outage"]
        assert air_outages(con, D, cfg) == [] and water_outages(con, D, cfg) == []
