"""Both provinces' air readings of one border side by side (marts.air_border_pairs): the pairs of the seed, the
differences, both sides' capture, and the dispute flag against the tolerances of seeds.border_tolerances."""

import datetime as dt

import duckdb
import polars as pl

from assets.sql_models.models import build_model, create_macros, load_seed
from tests.reports.daily_fixture import find_model

DAY = dt.date(2026, 1, 10)


def station_day(code, pm25, pm10, o3, aqi, level, hours=24):
    return {
        "station_code": code,
        "day": DAY,
        "pm25": pm25,
        "pm10": pm10,
        "o3_8h_max": o3,
        "aqi": aqi,
        "level": level,
        "hours_pm25": hours,
        "hours_pm10": hours,
        "o3_8h_windows": 17,
    }


def test_pairs_side_by_side_with_differences_capture_and_disputes():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA seeds; CREATE SCHEMA marts")
    for seed in ("stations", "air_border_pairs", "border_tolerances", "aqi_levels"):
        load_seed(con, seed)
    create_macros(con)
    daily = pl.DataFrame(
        [
            station_day("2532A", 80.0, 120.0, 60.0, 106, "三级"),  # 内江 东兴区
            station_day("3610A", 50.0, 100.0, 62.0, 69, "二级"),  # 荣昌: PM2.5 30 below, beyond 0.5 x 65 = 32.5? no
            station_day("1894A", 20.0, 40.0, 70.0, 35, "一级"),  # 泸州: 30 below 荣昌's 50: beyond max(0.5 x 35, 15)
            station_day("2531A", None, 90.0, 65.0, 80, "二级", hours=12),  # 内江 市监测站: PM2.5 fails capture (12 h)
            station_day("3351A", 45.0, 95.0, 66.0, 68, "二级"),  # 大足
            station_day("1896A", 30.0, 60.0, 70.0, 50, "一级"),  # 泸州 市环监站; its pair 永川 3347A reported nothing
        ]
    )
    con.register("_d", daily.to_arrow())
    con.execute("CREATE TABLE marts.air_station_daily AS SELECT * FROM _d")
    build_model(con, find_model("marts.air_border_pairs"))
    rows = {r["pair_id"]: r for r in con.sql("SELECT * FROM marts.air_border_pairs").pl().iter_rows(named=True)}

    nj_rc = rows["NJ-RC"]  # PM2.5 80 vs 50: |30| <= 0.5 x 65 = 32.5; but the levels differ (三级 / 二级)
    assert (nj_rc["sichuan_pm25"], nj_rc["chongqing_pm25"], nj_rc["diff_pm25"]) == (80.0, 50.0, 30.0)
    assert nj_rc["disputed_parameters"] == [] and nj_rc["level_differs"] and nj_rc["disputed"]
    assert 45 < nj_rc["distance_km"] < 65

    lz_rc = rows["LZ-RC"]  # PM2.5 20 vs 50: 30 > max(17.5, 15); AQI 35 vs 69: 34 > max(26, 25); levels differ
    assert lz_rc["disputed_parameters"] == ["aqi", "pm10", "pm25"] and lz_rc["disputed"]  # PM10 60 > 35

    nj_dz = rows["NJ-DZ"]  # 内江's PM2.5 failed capture: not compared; both sides' capture is shown
    assert nj_dz["sichuan_pm25"] is None and nj_dz["diff_pm25"] is None
    assert (nj_dz["sichuan_hours_pm25"], nj_dz["chongqing_hours_pm25"]) == (12, 24)
    assert nj_dz["disputed_parameters"] == [] and not nj_dz["disputed"]  # same level, PM10/O3/AQI within tolerance
    lz_yc = rows["LZ-YC"]  # one side only: shown, nothing compared, no dispute
    assert lz_yc["sichuan_pm25"] == 30.0 and lz_yc["chongqing_pm25"] is None and not lz_yc["disputed"]
