"""The comprehensive air-quality index (综合指数) and ranking of 环办监测〔2018〕19号, checked by hand: single
indices, I_sum, primary pollutant, rank, an area that fails data capture (listed, not ranked), and the change
against the same month a year earlier."""

import polars as pl
import pytest

from tests.reports.daily_fixture import build_statistics, daily_rows, month_days

MARCH_2025, MARCH_2024 = month_days(2025, 3), month_days(2024, 3)


def _area(code, area, province, days, *, o3=None, co=None, **values) -> pl.DataFrame:
    frame = daily_rows(code, days, area=area, province=province, **values)
    if o3 is not None:
        frame = frame.with_columns(o3_8h_max=pl.Series(o3, dtype=pl.Float64))
    if co is not None:
        frame = frame.with_columns(co=pl.Series(co, dtype=pl.Float64))
    return frame


def _march(days, pm25_a: float, pm25_b: float) -> list[pl.DataFrame]:
    n = len(days)
    return [
        # 自贡: O3 60, 63, ... 150 (P90: k = 1 + 30 x 0.9 = 28, X(28) = 60 + 3 x 27 = 141); CO 0.50, 0.52, ... 1.10
        # (P95: k = 29.5, (1.06 + 1.08) / 2 = 1.07, reported 1.1)
        _area(
            "A1",
            "自贡",
            "四川",
            days,
            pm25=pm25_a,
            pm10=70.0,
            so2=12.0,
            no2=30.0,
            o3=[60.0 + 3 * i for i in range(n)],
            co=[0.5 + 0.02 * i for i in range(n)],
        ),
        _area("B1", "荣昌", "重庆", days, pm25=pm25_b, pm10=50.0, so2=8.0, no2=25.0, co=[0.8] * n, o3=[150.0] * n),
        # 内江: 20 valid days only: every statistic fails the month's capture (>= 27)
        _area("C1", "内江", "四川", days[:20], pm25=10.0, pm10=20.0, so2=5.0, no2=10.0, co=[0.4] * 20, o3=[60.0] * 20),
    ]


@pytest.fixture(scope="module")
def index():
    con = build_statistics(pl.concat(_march(MARCH_2025, 40.0, 30.0) + _march(MARCH_2024, 50.0, 25.0)))
    frame = con.sql(
        "SELECT * FROM marts.air_composite_index WHERE period_kind = 'month' AND basis = 'all_days' "
        "AND period_start = DATE '2025-03-01'"
    ).pl()
    yield {row["area"]: row for row in frame.iter_rows(named=True)}
    con.close()


def test_single_indices_sum_primary_pollutant_and_rank_by_hand(index):
    a, b = index["自贡"], index["荣昌"]
    # 自贡: 40/35 = 1.142857, 70/70 = 1, 12/60 = 0.2, 30/40 = 0.75, CO 1.1/4 = 0.275, O3 141/160 = 0.88125
    assert (a["pm25_mean"], a["co_p95"], a["o3_8h_p90"]) == (40, 1.1, 141)
    assert (a["i_pm25"], a["i_pm10"], a["i_so2"], a["i_no2"], a["i_co"], a["i_o3_8h"]) == (
        1.143,
        1.0,
        0.2,
        0.75,
        0.275,
        0.881,
    )
    assert a["i_sum"] == 4.25  # 4.249107 to two decimals
    assert a["primary_pollutant"] == "PM2.5" and a["i_max"] == 1.143
    # 荣昌: 30/35 = 0.857143, 50/70 = 0.714286, 8/60 = 0.133333, 25/40 = 0.625, 0.8/4 = 0.2, 150/160 = 0.9375
    assert b["i_sum"] == 3.47  # 3.467262
    assert b["primary_pollutant"] == "O3" and b["i_max"] == 0.938
    # ascending I_sum: 荣昌 first; the rule and S_i come from the seed
    assert (b["rank"], a["rank"], a["areas_ranked"]) == (1, 2, 2)
    assert a["rule"] == "环办监测〔2018〕19号" and a["ranking_status"] == "参与排名 ranked"


def test_an_area_that_fails_data_capture_is_listed_but_not_ranked(index):
    c = index["内江"]
    assert c["rank"] is None and c["change_rank"] is None
    assert c["ranking_status"].startswith("未排名：数据获取率不足（SO2、NO2、PM10、PM2.5、CO、O3） not ranked")
    assert set(c["capture_failed"]) == {"SO2", "NO2", "PM10", "PM2.5", "CO", "O3"}
    assert c["i_sum"] is not None  # shown, with its status, never silently ranked


def test_change_against_the_same_month_a_year_earlier(index):
    a, b = index["自贡"], index["荣昌"]
    # March 2024: 自贡 PM2.5 50 -> I_sum 4.534821 = 4.53; 荣昌 PM2.5 25 -> 3.324405 = 3.32
    assert (a["i_sum_year_before"], b["i_sum_year_before"]) == (4.53, 3.32)
    assert a["change_pct"] == -6.2  # (4.25 - 4.53) / 4.53 x 100 = -6.18: better
    assert b["change_pct"] == 4.5  # (3.47 - 3.32) / 3.32 x 100 = 4.52: worse
    assert (a["change_rank"], b["change_rank"]) == (1, 2)  # the most improved first
    assert (a["rank_year_before"], b["rank_year_before"]) == (2, 1)


def test_shown_values_carry_only_their_digits_and_the_rank_follows_the_shown_i_sum(index):
    """Issue 24: no `0.07600000000000001` in the table: I_i to 3 decimals, I_sum to 2, the change to 1, each the
    nearest binary value of its decimal (as shown: 1.143, not 1.1428571…), and the rank is that of the shown I_sum."""
    for row in index.values():
        for column in ("i_pm25", "i_pm10", "i_so2", "i_no2", "i_co", "i_o3_8h", "i_max"):
            assert repr(row[column]) == repr(round(row[column], 3)) and len(repr(row[column]).split(".")[1]) <= 3
        assert len(repr(row["i_sum"]).split(".")[1]) <= 2 and row["i_sum"] == round(row["i_sum"], 2)
        if row["change_pct"] is not None:
            assert len(repr(row["change_pct"]).split(".")[1]) <= 1
    ranked = sorted((r for r in index.values() if r["rank"] is not None), key=lambda r: r["rank"])
    assert [r["i_sum"] for r in ranked] == sorted(r["i_sum"] for r in ranked)
