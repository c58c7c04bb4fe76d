"""HJ 633 unit vectors through the SQL models (2012 tables before 2026-03-01, 2026 from then on)."""

import datetime as dt

import polars as pl
import pytest

from tests.aqi_sql import air_warehouse, constant_day, one

DAY_2012 = dt.date(2023, 1, 20)
DAY_2026 = dt.date(2026, 3, 10)
BACKGROUND = {"pm25": 1, "pm10": 1, "so2": 1, "no2": 1, "o3": 1, "co": 0.1}


def daily(column: str, value: float, day: dt.date) -> dict:
    con = air_warehouse(constant_day(day, **{**BACKGROUND, column: value}))
    return one(con, "SELECT * FROM marts.air_station_daily")


@pytest.mark.parametrize(
    ("column", "value", "iaqi_2012", "iaqi_2026"),
    [
        ("pm25", 36, 52, 52),
        ("pm25", 60, 82, 100),
        ("pm25", 76, 102, 115),
        ("pm10", 151, 101, 112),
        ("co", 2.5, 63, 63),
        ("pm25", 35, 50, 50),  # 50/35 x 35 in binary floating point would ceil to 51
        ("pm25", 600, 500, 500),  # above the table
    ],
)
def test_daily_iaqi_vectors(column, value, iaqi_2012, iaqi_2026):
    assert daily(column, value, DAY_2012)[f"iaqi_{column}"] == iaqi_2012
    assert daily(column, value, DAY_2026)[f"iaqi_{column}"] == iaqi_2026


def test_so2_1h_above_800_uses_the_24h_iaqi_in_2012_and_200_in_2026():
    for day, expected in ((DAY_2012, 213), (DAY_2026, 200)):  # 2012: SO2 24-h 900 -> 200 + 100 x 100/800 = 212.5
        con = air_warehouse(constant_day(day, **{**BACKGROUND, "so2": 900}))
        row = one(con, "SELECT * FROM marts.air_hourly_aqi WHERE ts = ?", [dt.datetime.combine(day, dt.time(12))])
        assert (row["iaqi_so2"], row["aqi"], row["primary_pollutant"]) == (expected, expected, "SO2"), day


def test_o3_8h_above_800_uses_the_1h_iaqi_in_2012_and_300_in_2026():
    # 2012: O3 1-h 850 -> 300 + 100 x 50/200 = 325
    assert daily("o3", 850, DAY_2012)["iaqi_o3_8h"] == 325
    assert daily("o3", 850, DAY_2026)["iaqi_o3_8h"] == 300


def test_2026_rounds_inputs_half_even_before_scoring():
    hours = pl.concat([constant_day(DAY_2026, range(1, 13), pm25=36), constant_day(DAY_2026, range(13, 25), pm25=37)])
    con = air_warehouse(hours.with_columns(**{k: pl.lit(float(v)) for k, v in BACKGROUND.items() if k != "pm25"}))
    row = one(con, "SELECT pm25, iaqi_pm25 FROM marts.air_station_daily")
    assert row["pm25"] == 36.5
    assert row["iaqi_pm25"] == 52  # 36.5 -> 36 (half to even); half-up (37) would give 54


def test_hourly_method_scores_1h_pm_on_24h_breakpoints_and_lists_tied_primary_pollutants():
    con = air_warehouse(constant_day(DAY_2012, range(1, 2), pm25=75, pm10=150, so2=1, no2=1, o3=1, co=0.1))
    row = one(con, "SELECT * FROM marts.air_hourly_aqi")
    assert (row["iaqi_pm25"], row["iaqi_pm10"], row["aqi"]) == (100, 100, 100)
    assert row["primary_pollutant"] == "PM2.5,PM10"
    assert (row["level"], row["category_zh"], row["category_en"], row["color"]) == ("二级", "良", "good", "#FFFF00")
    assert row["standard"] == "HJ 633-2012"


def test_no_primary_pollutant_at_or_below_50():
    con = air_warehouse(constant_day(DAY_2012, range(1, 2), pm25=35, pm10=50, so2=1, no2=1, o3=1, co=0.1))
    row = one(con, "SELECT aqi, primary_pollutant, category_zh FROM marts.air_hourly_aqi")
    assert row == {"aqi": 50, "primary_pollutant": None, "category_zh": "优"}


def test_2026_publishes_an_incomplete_aqi_only_above_100():
    low = one(air_warehouse(constant_day(DAY_2026, pm25=36)), "SELECT aqi, iaqi_pm25 FROM marts.air_station_daily")
    assert low == {"aqi": None, "iaqi_pm25": 52}
    high = one(air_warehouse(constant_day(DAY_2026, pm25=76)), "SELECT aqi, level FROM marts.air_station_daily")
    assert high == {"aqi": 115, "level": "三级"}
    # 2012: the platform published from the pollutants available
    old = one(air_warehouse(constant_day(DAY_2012, pm25=36)), "SELECT aqi FROM marts.air_station_daily")
    assert old == {"aqi": 52}


def test_daily_exceedance_against_the_grade_ii_limits_in_force():
    row_2012 = daily("pm25", 70, DAY_2012)  # 2012 limit 75
    row_2026 = daily("pm25", 70, DAY_2026)  # 2026 transition limit 60
    assert (row_2012["exceed_pm25"], row_2012["limits_standard"]) == (False, "GB 3095-2012")
    assert (row_2026["exceed_pm25"], row_2026["limits_standard"]) == (True, "GB 3095-2026 transition")
    assert row_2026["standard"] == "HJ 633-2026"
