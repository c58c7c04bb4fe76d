"""Forecast daily AQI: HJ 633 daily method (24-h means, O3 daily max 8-h, validity) and exact IAQI, scored by the
marts' own models (primary pollutants named and ordered as the marts publish them)."""

import datetime as dt

import polars as pl
import pytest

from assets.forecast.daily_aqi import daily_aqi, daily_concentrations

D12 = dt.date(2025, 1, 5)  # HJ 633-2012
D26 = dt.date(2026, 5, 5)  # HJ 633-2026


def one_day(day, **values):
    row = {
        "area": "自贡",
        "day": day,
        "pm25": None,
        "pm10": None,
        "so2": None,
        "no2": None,
        "co": None,
        "o3_8h": None,
        "o3_1h_max": None,
    }
    row.update(values)
    return pl.DataFrame([row], schema_overrides={k: pl.Float64 for k in row if k not in ("area", "day")})


@pytest.mark.parametrize(
    "pollutant,value,aqi12,aqi26",
    [
        ("pm25", 36, 52, 52),
        ("pm25", 60, 82, 100),
        ("pm25", 76, 102, 115),
        ("pm10", 151, 101, 112),
        ("co", 2.5, 63, 63),
        ("pm25", 35, 50, 50),
        ("pm25", 600, 500, 500),
    ],
)
def test_iaqi_vectors_of_both_standards(pollutant, value, aqi12, aqi26):
    others = {"pm25": 1, "pm10": 1, "so2": 1, "no2": 1, "co": 0.1, "o3_8h": 1, "o3_1h_max": 1}
    for day, expected in ((D12, aqi12), (D26, aqi26)):
        out = daily_aqi(one_day(day, **{**others, pollutant: value})).row(0, named=True)
        assert out["aqi"] == expected, (day, pollutant, value)


def test_primary_pollutants_with_ties_and_none_when_good():
    out = daily_aqi(
        pl.concat(
            [
                one_day(D12, pm25=75, pm10=150, so2=5, no2=10, co=0.5, o3_8h=50, o3_1h_max=80),  # both IAQI 100
                one_day(D12 + dt.timedelta(days=1), pm25=20, pm10=30, so2=5, no2=10, co=0.5, o3_8h=50, o3_1h_max=80),
            ]
        )
    ).sort("day")
    assert out["aqi"].to_list() == [100, 30]  # PM10 30 -> 30 beats PM2.5 20 -> 29
    assert out["primary_pollutant"].to_list() == ["PM2.5,PM10", None]  # ties in the seed's order, as the marts


def test_o3_8h_above_800_rule_per_standard():
    base = {"pm25": 10, "pm10": 10, "so2": 5, "no2": 10, "co": 0.5, "o3_8h": 850, "o3_1h_max": 900}
    r12 = daily_aqi(one_day(D12, **base)).row(0, named=True)
    r26 = daily_aqi(one_day(D26, **base)).row(0, named=True)
    # 1-h 900: 300 + 100*(900-800)/200; 2012 scores the 8-h O3 by its 1-h value, and the daily max 1-h ties it
    assert (r12["aqi"], r12["primary_pollutant"]) == (350, "O3_8h,O3_1h")
    assert (r26["aqi"], r26["primary_pollutant"]) == (300, "O3_8h")


def test_2012_daily_aqi_also_scores_the_o3_1h_maximum():
    base = {"pm25": 10, "pm10": 10, "so2": 5, "no2": 10, "co": 0.5, "o3_8h": 150, "o3_1h_max": 350}
    r12 = daily_aqi(one_day(D12, **base)).row(0, named=True)
    r26 = daily_aqi(one_day(D26, **base)).row(0, named=True)
    assert (r12["aqi"], r12["primary_pollutant"], r12["standard"]) == (175, "O3_1h", "HJ 633-2012")
    assert (r26["aqi"], r26["primary_pollutant"], r26["standard"]) == (92, "O3_8h", "HJ 633-2026")


def test_2026_missing_pollutant_publishes_only_above_100():
    low = daily_aqi(one_day(D26, pm25=40, pm10=50, so2=5, no2=10, co=0.5)).row(0, named=True)  # no O3
    high = daily_aqi(one_day(D26, pm25=120, pm10=50, so2=5, no2=10, co=0.5)).row(0, named=True)
    old = daily_aqi(one_day(D12, pm25=40, pm10=50, so2=5, no2=10, co=0.5)).row(0, named=True)
    assert low["aqi"] is None and high["aqi"] == 158 and old["aqi"] == 57


def hourly(day, hours, **series):
    ts = [dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=h) for h in hours]
    cols = {k: (v if isinstance(v, list) else [float(v)] * len(ts)) for k, v in series.items()}
    return pl.DataFrame({"area": "泸州", "ts": ts, **cols})


def test_daily_means_need_20_hours_and_use_the_natural_day():
    day = dt.date(2025, 6, 1)
    full = hourly(day, range(1, 25), pm25=40, pm10=60, so2=5, no2=20, co=0.6, o3=80)  # 01:00 .. 24:00
    assert daily_concentrations(full)["day"].to_list() == [day]  # the 24:00 label stays in the day
    short = hourly(day, range(1, 20), pm25=40, pm10=60, so2=5, no2=20, co=0.6, o3=80)  # 19 hours
    out = daily_concentrations(short).row(0, named=True)
    assert out["pm25"] is None and out["hours"] == 19


def test_o3_daily_max_8h_windows_and_validity():
    day = dt.date(2025, 6, 1)
    o3 = [float(v) for v in [20] * 10 + [100, 150, 180, 200, 210, 200, 180, 150] + [60] * 6]
    out = daily_concentrations(hourly(day, range(1, 25), o3=o3)).row(0, named=True)
    assert out["o3_8h"] == pytest.approx(sum(o3[10:18]) / 8)  # window ending 18:00
    assert out["o3_1h_max"] == 210
    # Only hours 01..18: windows ending 08..20 have >= 6 hours (13 < 14): invalid unless above the 160 limit.
    low = daily_concentrations(hourly(day, range(1, 19), o3=50)).row(0, named=True)
    assert (low["o3_8h_windows"], low["o3_8h"]) == (13, None)
    high = daily_concentrations(hourly(day, range(1, 19), o3=200)).row(0, named=True)
    assert high["o3_8h"] == 200
