"""HJ 663 statistics checked by hand: percentile formula, data capture per month and year, good-days ratio,
attainment against the limits in force, province and region roll-ups."""

import duckdb
import numpy as np
import polars as pl
import pytest

from assets.sql_models.models import create_macros
from tests.reports.daily_fixture import build_statistics, daily_rows, month_days


@pytest.fixture(scope="module")
def macro_con():
    con = duckdb.connect()
    create_macros(con)
    yield con
    con.close()


def test_percentile_of_ten_values_follows_hj663_by_hand(macro_con):
    values = [12, 45, 7, 30, 22, 51, 18, 39, 26, 60]
    # sorted: 7 12 18 22 26 30 39 45 51 60; k = 1 + (10 - 1) * 0.9 = 9.1; s = 9;
    # P = X(9) + (X(10) - X(9)) * 0.1 = 51 + 9 * 0.1 = 51.9
    got = macro_con.execute("SELECT hj663_percentile(?::DOUBLE[], 0.9)", [values]).fetchall()[0][0]
    assert got == pytest.approx(51.9, abs=1e-9)
    # p = 0.95 on the same values: k = 9.55, P = 51 + 9 * 0.55 = 55.95
    got95 = macro_con.execute("SELECT hj663_percentile(?::DOUBLE[], 0.95)", [values]).fetchall()[0][0]
    assert got95 == pytest.approx(55.95, abs=1e-9)


def test_percentile_edge_cases_and_nulls(macro_con):
    rows = macro_con.execute(
        "SELECT hj663_percentile([5.0]::DOUBLE[], 0.9), hj663_percentile([]::DOUBLE[], 0.9), "
        "hj663_percentile([3.0, NULL, 1.0]::DOUBLE[], 0.5), hj663_percentile([1.0, 2.0]::DOUBLE[], 1.0), "
        "hj663_percentile([4.0, 8.0]::DOUBLE[], 0.0)"
    ).fetchall()[0]
    assert rows == (5.0, None, 2.0, 2.0, 4.0)


def test_percentile_matches_numpy_linear_on_random_series(macro_con):
    rng = np.random.default_rng(7)
    for n in (2, 3, 17, 28, 365):
        x = rng.gamma(2.0, 20.0, n).round(1)
        for p in (0.9, 0.95, 0.98):
            got = macro_con.execute(f"SELECT hj663_percentile(?::DOUBLE[], {p})", [x.tolist()]).fetchall()[0][0]
            assert got == pytest.approx(np.percentile(x, p * 100, method="linear"), rel=1e-12)


def _monthly(con, month: str) -> dict:
    frame = con.sql(
        "SELECT * FROM marts.air_station_monthly WHERE station_code = 'S1' AND month = ?::DATE", params=[month]
    ).pl()
    assert frame.height == 1
    return frame.row(0, named=True)


def test_26_valid_days_in_march_is_invalid_and_25_in_february_is_valid():
    station = pl.concat([daily_rows("S1", month_days(2023, 2, 25)), daily_rows("S1", month_days(2023, 3, 26))])
    con = build_statistics(station)
    february, march = _monthly(con, "2023-02-01"), _monthly(con, "2023-03-01")
    assert february["n_pm25"] == 25 and february["valid_pm25"] is True
    assert february["attain_pm25"] is True  # 30 <= 35
    assert march["n_pm25"] == 26 and march["valid_pm25"] is False
    assert march["attain_pm25"] is None and march["attain_all"] is None
    assert march["pm25_mean"] == 30  # the mean is still shown, flagged invalid


def test_27_valid_days_in_march_is_valid_and_invalid_days_do_not_count():
    march = month_days(2023, 3)
    station = pl.concat([daily_rows("S1", march[:27]), daily_rows("S1", march[27:], pm25=500.0, valid=False)])
    row = _monthly(build_statistics(station), "2023-03-01")
    assert row["days_reported"] == 31 and row["n_pm25"] == 27 and row["valid_pm25"] is True
    assert row["pm25_mean"] == 30  # the 500s failed capture and are not averaged


def test_good_days_ratio_excludes_invalid_days():
    days = month_days(2023, 4)
    station = pl.concat(
        [
            daily_rows("S1", days[0:18], aqi=45),  # 优
            daily_rows("S1", days[18:24], aqi=88),  # 良
            daily_rows("S1", days[24:27], aqi=130),  # 轻度污染
            daily_rows("S1", days[27:28], aqi=215, pm25=170.0),  # 重度污染
            daily_rows("S1", days[28:29], aqi=70, valid=False),  # missing pollutants, AQI <= 100: not publishable
            daily_rows("S1", days[29:30], aqi=None),  # no AQI at all
        ]
    )
    row = _monthly(build_statistics(station), "2023-04-01")
    assert row["valid_days"] == 28
    assert row["good_days"] == 24
    assert row["good_days_ratio"] == pytest.approx(round(100 * 24 / 28, 1))  # 85.7, not 24/30 = 80.0
    assert (row["days_excellent"], row["days_good"], row["days_light"], row["days_heavy"]) == (18, 6, 3, 1)
    assert row["heavy_pollution_days"] == 1


def test_partial_aqi_over_100_is_a_valid_polluted_day():
    days = month_days(2023, 4, 2)
    station = pl.concat([daily_rows("S1", days[:1], aqi=40), daily_rows("S1", days[1:], aqi=160, valid=False)])
    row = _monthly(build_statistics(station), "2023-04-01")
    assert (row["valid_days"], row["good_days"], row["days_moderate"]) == (2, 1, 1)


def _year(days_per_month: dict[int, int], year: int = 2023, **kwargs) -> pl.DataFrame:
    return pl.concat([daily_rows("S1", month_days(year, m, n), **kwargs) for m, n in days_per_month.items()])


def _annual(con) -> dict:
    return con.sql("SELECT * FROM marts.air_station_annual WHERE station_code = 'S1'").pl().row(0, named=True)


def test_year_needs_324_days_and_every_month_valid():
    full = {m: 27 if m != 2 else 25 for m in range(1, 13)}  # 322 days: every month valid, too few in the year
    assert sum(full.values()) == 322
    row = _annual(build_statistics(_year(full)))
    assert row["valid_pm25"] is False

    enough = full | {1: 29, 3: 29}  # 326 days, every month valid
    row = _annual(build_statistics(_year(enough)))
    assert row["n_pm25"] == 326 and row["valid_pm25"] is True and row["attain_all"] is True

    short_month = enough | {1: 31, 3: 31, 5: 31, 7: 26}  # 331 days but July has 26
    row = _annual(build_statistics(_year(short_month)))
    assert row["n_pm25"] >= 324 and row["valid_pm25"] is False and row["attain_pm25"] is None


def test_year_to_date_rows_through_each_month():
    station = _year({1: 31, 2: 28, 3: 26})
    con = build_statistics(station)
    ytd = con.sql("SELECT through_month, n_pm25, valid_pm25 FROM marts.air_station_ytd ORDER BY 1").fetchall()
    assert ytd == [(1, 31, True), (2, 59, True), (3, 85, False)]


def test_annual_attainment_uses_the_limits_in_force_at_the_end_of_the_year():
    # PM2.5 annual mean 32: attains GB 3095-2012 (35) in 2025, not the 2026 transition limit (30) in 2026.
    valid_year = {m: 28 for m in range(1, 13)}
    station = pl.concat([_year(valid_year, 2025, pm25=32.0), _year(valid_year, 2026, pm25=32.0)])
    rows = {
        r["year"]: r
        for r in build_statistics(station).sql("SELECT * FROM marts.air_station_annual").pl().iter_rows(named=True)
    }
    assert rows[2025]["limits_standard"] == "GB 3095-2012" and rows[2025]["attain_pm25"] is True
    assert rows[2026]["limits_standard"] == "GB 3095-2026 transition" and rows[2026]["attain_pm25"] is False
    assert rows[2026]["limit_pm25_annual"] == 30 and rows[2026]["attain_all"] is False


def test_percentiles_and_exceedance_days_in_the_monthly_table():
    days = month_days(2023, 7)
    o3 = [float(v) for v in range(100, 100 + 10 * len(days), 10)]  # 100, 110, ..., 400
    station = daily_rows("S1", days).with_columns(
        o3_8h_max=pl.Series(o3), exceed_o3_8h=pl.Series([v > 160 for v in o3])
    )
    row = _monthly(build_statistics(station), "2023-07-01")
    # n = 31, p = 0.9: k = 28, P = X(28) = 370
    assert row["o3_8h_p90"] == 370 and row["exceed_days_o3_8h"] == 24
    assert row["attain_o3_8h"] is False and row["attain_all"] is False


def test_region_and_province_roll_ups():
    days = month_days(2023, 5)
    station = pl.concat(
        [
            daily_rows("S1", days, area="自贡", province="四川", pm25=20.0, aqi=40),
            daily_rows("S2", days, area="泸州", province="四川", pm25=40.0, aqi=60),
            daily_rows("S3", days[:20], area="荣昌", province="重庆", pm25=30.0, aqi=150),
        ]
    )
    con = build_statistics(station, station.drop("station_code").with_columns(stations_used=pl.lit(1)))
    rows = {
        (r["scope"], r["name"]): r
        for r in con.sql("SELECT * FROM marts.air_region_stats WHERE period_kind = 'month'").pl().iter_rows(named=True)
    }
    sichuan, region = rows[("province", "四川")], rows[("region", "川南渝西")]
    assert sichuan["pm25_mean"] == 30 and sichuan["areas_attained"] == 1  # 泸州's 40 > 35
    assert sichuan["attain_all"] is False
    assert region["pm25_mean"] == 30  # 荣昌's 20 days fail capture: the mean of 自贡 and 泸州
    assert region["good_days_ratio"] == pytest.approx((100 + 100 + 0) / 3, abs=0.1)
    assert rows[("province", "重庆")]["attain_all"] is None  # 荣昌 cannot be assessed
