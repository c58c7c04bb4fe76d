"""GB 3095 / HJ 663 data-capture rules of the daily statistics, and the area means."""

import datetime as dt

import polars as pl

from tests.aqi_sql import air_warehouse, constant_day, one

DAY = dt.date(2023, 1, 20)


def station_day(rows: pl.DataFrame) -> dict:
    return one(air_warehouse(rows), "SELECT * FROM marts.air_station_daily WHERE station_code = '3351A'")


def test_19_pm25_hours_give_no_daily_mean_and_20_do():
    short = station_day(constant_day(DAY, range(1, 20), pm25=80))
    assert (short["hours_pm25"], short["valid_pm25"], short["pm25"], short["iaqi_pm25"]) == (19, False, None, None)
    enough = station_day(constant_day(DAY, range(1, 21), pm25=80))
    assert (enough["hours_pm25"], enough["valid_pm25"], enough["pm25"]) == (20, True, 80.0)


def test_o3_with_13_valid_windows_is_invalid_unless_above_160():
    # hours 01-18 only: windows ending 08:00-20:00 have >= 6 hours (13 windows), later ones fewer
    low = station_day(constant_day(DAY, range(1, 19), o3=100))
    assert (low["o3_8h_windows"], low["valid_o3_8h"], low["o3_8h_max"], low["iaqi_o3_8h"]) == (13, False, None, None)
    high = station_day(constant_day(DAY, range(1, 19), o3=200))
    assert (high["o3_8h_windows"], high["valid_o3_8h"], high["o3_8h_max"]) == (13, True, 200.0)
    assert high["exceed_o3_8h"] is True
    fourteen = station_day(constant_day(DAY, range(1, 20), o3=100))
    assert (fourteen["o3_8h_windows"], fourteen["valid_o3_8h"], fourteen["o3_8h_max"]) == (14, True, 100.0)


def test_o3_window_needs_six_hours_and_uses_only_windows_ending_08_to_24():
    # a high value at 01:00-05:00 only enters windows ending before 08:00 or with < 6 hours: not counted
    rows = pl.concat([constant_day(DAY, range(1, 6), o3=300), constant_day(DAY, range(6, 25), o3=50)])
    row = station_day(rows)
    assert row["o3_8h_windows"] == 17
    assert row["o3_8h_max"] == (300 * 5 + 50 * 3) / 8  # the window ending 08:00 holds hours 01-08
    assert row["o3_1h_max"] == 300


def test_natural_day_takes_01_00_to_24_00():
    rows = pl.concat([constant_day(DAY, range(0, 1), pm25=500), constant_day(DAY, range(1, 25), pm25=40)])
    con = air_warehouse(rows)  # the 00:00 label of DAY belongs to the day before
    row = one(con, "SELECT pm25, hours_pm25 FROM marts.air_station_daily WHERE day = ?", [DAY])
    assert row == {"pm25": 40.0, "hours_pm25": 24}
    before = one(
        con, "SELECT hours_pm25, valid_pm25 FROM marts.air_station_daily WHERE day = ?", [DAY - dt.timedelta(days=1)]
    )
    assert before == {"hours_pm25": 1, "valid_pm25": False}


def test_area_daily_is_the_mean_of_the_stations_valid_values_background_included():
    yibin = [("1882A", 30), ("1883A", 50), ("1884A", 70)]  # 1882A is the background station (对照点)
    rows = pl.concat(
        [constant_day(DAY, station=code, pm25=v) for code, v in yibin]
        + [constant_day(DAY, range(1, 10), station="1885A", pm25=400)]
    )  # 9 hours: not valid
    con = air_warehouse(rows)
    area = one(con, "SELECT * FROM marts.air_area_daily WHERE area = '宜宾'")
    assert (area["pm25"], area["stations_pm25"], area["stations_used"], area["province"]) == (50.0, 3, 3, "四川")
    assert (area["iaqi_pm25"], area["aqi"], area["primary_pollutant"]) == (69, 69, "PM2.5")  # 50 + 50 x 15/40 = 68.75
