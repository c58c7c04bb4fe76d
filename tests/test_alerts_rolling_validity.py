"""The rolling 24-h AQI that the observed-heavy rule reads counts a station's moving means only with at least 20 of
their 24 hours (GB 3095 validity, seeds.air_data_capture: moving_24h_hours), so a partial window never alerts; and
a day's rolling values depend on its own window (the day and the one before it) only, never on other days loaded.

Hand-computed (HJ 633 PM2.5 24-h breakpoints: 115 -> 150, 150 -> 200, 250 -> 300, 350 -> 400): one station of 大足
(3351A), day D alone, PM2.5 260 for 01:00-12:00 and 20 for 13:00-24:00. Without the rule the windows of 01:00-12:00
hold only those hours (mean 260, IAQI 310): 12 hours above 200, an alert. With it, 01:00-19:00 have fewer than 20
hours (no value); 20:00 = (12x260 + 8x20)/20 = 164 (IAQI 214), 21:00 = 3300/21 = 157.14 (IAQI 207.1, rounded up as
HJ 633 does: 208), 22:00 = 3320/22 = 150.91 (IAQI 201), 23:00 = 145.22 (IAQI 193.2: 194), 24:00 = 140 (IAQI 186):
3 hours above 200. The daily mean 140 gives a daily AQI of 186: no observed-heavy alert.
"""

import datetime as dt

import duckdb
import polars as pl

from assets.air.archive import read_archive_day
from assets.alerts.rules.air_inputs import observed_heavy
from assets.alerts.rules.rules_config import load_rules
from assets.catalog.stations import load_station_catalog
from assets.sql_models.build import models_in_order
from assets.sql_models.models import build_model, discover_seeds, load_seed
from tests.aqi_sql import POLLUTANTS, air_warehouse, constant_day
from tests.conftest import need_shared_data
from warehouse.partitions import replace_partition
from warehouse.schema import ensure_schema

D = dt.date(2026, 1, 20)
OBSERVED = load_rules().observed


def rolling(con, day: dt.date, area: str = "大足") -> dict[int, int | None]:
    rows = con.sql(
        "SELECT hour(ts - INTERVAL 1 HOUR) + 1 AS h, aqi_24h FROM marts.air_area_hourly_rolling "
        "WHERE area = ? AND day = ? ORDER BY ts",
        params=[area, day],
    ).fetchall()
    found = dict(rows)
    return {h: found.get(h) for h in range(1, 25)}  # an hour without any valid moving value has no row


def test_a_partial_window_gives_no_rolling_value_and_no_alert():
    rows = pl.concat([constant_day(D, range(1, 13), pm25=260), constant_day(D, range(13, 25), pm25=20)])
    con = air_warehouse(rows)
    by_hour = rolling(con, D)
    assert all(by_hour[h] is None for h in range(1, 20))  # fewer than 20 hours in the window
    assert [by_hour[h] for h in range(20, 25)] == [214, 208, 201, 194, 186]
    daily = con.sql("SELECT aqi FROM marts.air_area_daily WHERE area = '大足' AND day = ?", params=[D]).fetchall()
    assert daily == [(186,)]
    assert observed_heavy(con, D, OBSERVED, warned=set()) == []


def test_twenty_hours_count_and_nineteen_do_not():
    con = air_warehouse(constant_day(D, range(1, 25), pm25=400))
    by_hour = rolling(con, D)
    assert by_hour[19] is None and by_hour[20] is not None and by_hour[20] > 400


def test_the_previous_day_fills_the_window_when_it_is_loaded():
    """With D-1 loaded at 260 all day, the morning windows of D are full: the heavy hours are real and alert."""
    rows = pl.concat(
        [
            constant_day(D - dt.timedelta(days=1), pm25=260),
            constant_day(D, range(1, 13), pm25=260),
            constant_day(D, range(13, 25), pm25=20),
        ]
    )
    con = air_warehouse(rows)
    by_hour = rolling(con, D)
    assert by_hour[1] == 310 and by_hour[12] == 310  # 24 hours at 260
    assert by_hour[13] == 300  # (23 x 260 + 20)/24 = 250 -> IAQI 300
    (alert,) = observed_heavy(con, D, OBSERVED, warned=set())
    assert alert.subject == "大足" and "滚动24小时AQI>200" in alert.summary_zh


def _warehouse(rows: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    catalog = load_station_catalog()
    con.register("_catalog", catalog.to_arrow())
    con.execute("CREATE OR REPLACE TABLE seeds.stations AS SELECT * FROM _catalog")
    for name in discover_seeds():
        if name != "stations":
            load_seed(con, name)
    staged = rows.with_columns([pl.lit(None, pl.Float64).alias(p) for p in POLLUTANTS if p not in rows.columns])
    staged = staged.with_columns(
        source=pl.lit("t"), batch_id=pl.lit("t"), load_partition=(pl.col("ts") - pl.duration(hours=1)).dt.date()
    )
    replace_partition(con, "staging.air_hourly", staged, "true", [])
    return con


def _build_window(con, start: dt.date, end: dt.date) -> None:
    for model in models_in_order(["marts.air_area_hourly_rolling"]):
        build_model(con, model, (start, end) if model.partitioning else None)


def test_a_day_depends_on_its_own_window_only():
    """Day D built as a one-day window over a warehouse holding D-1 and D, and over one that also holds D-3, D-2
    and D+1 (other values): the same rolling rows for D."""
    day = lambda i: D + dt.timedelta(days=i)  # noqa: E731
    window = pl.concat(
        [constant_day(day(-1), pm25=90, station=s) for s in ("3351A", "1882A")]
        + [
            constant_day(day(0), range(1, 25, 2), pm25=180, station="3351A"),
            constant_day(day(0), pm25=60, station="1882A"),
        ]
    )
    others = pl.concat(
        [constant_day(day(-3), pm25=500), constant_day(day(-2), pm25=30), constant_day(day(1), pm25=400)]
    )
    alone, more = _warehouse(window), _warehouse(pl.concat([window, others]))
    for con in (alone, more):
        _build_window(con, day(0), day(1))
    sql = "SELECT * FROM marts.air_area_hourly_rolling WHERE day = ? ORDER BY ALL"
    first, second = alone.sql(sql, params=[day(0)]).pl(), more.sql(sql, params=[day(0)]).pl()
    assert first.height > 24 and first.equals(second)
    # 大足 (3351A, every other hour of D): valid while D-1's hours fill its windows, then not
    dazu = first.filter(pl.col("area") == "大足").sort("ts")
    assert dazu["aqi_24h"].is_not_null().sum() > 0 and dazu.height < 24


def test_real_data_neijiang_2023_01_22_does_not_depend_on_the_day_before():
    """内江, 2023-01-22 02:00: the rolling AQI read 235 from the two hours of the day when 01-21 was not loaded,
    against 145 over the full window (daily AQI 195). Now the partial window has no value, the full one still 145,
    and the observed-heavy alerts of the day are the same with or without the day before."""
    folder = need_shared_data("china_sites_20230121.csv", "china_sites_20230122.csv", "china_sites_20230123.csv")
    catalog = load_station_catalog()
    days = [dt.date(2023, 1, 21), dt.date(2023, 1, 22)]
    reads = {d: read_archive_day(folder, d, catalog["code"]).rows for d in days}
    alone = air_warehouse(reads[days[1]], catalog)
    both = air_warehouse(pl.concat(list(reads.values())), catalog)
    assert rolling(alone, days[1], "内江")[2] is None
    assert rolling(both, days[1], "内江")[2] == 145
    alerts = [
        {(c.subject, c.level) for c in observed_heavy(con, days[1], OBSERVED, warned=set())} for con in (alone, both)
    ]
    assert alerts[0] == alerts[1] == {("大足", "heavy"), ("荣昌", "heavy"), ("铜梁", "heavy")}
