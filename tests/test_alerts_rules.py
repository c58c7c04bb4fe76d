"""Warning levels (national criteria), episode merging, the lift rule, the regional rule, the forecast CSV import."""

import datetime as dt

import polars as pl
import pytest

from assets.alerts.rules.air_warnings import area_warnings, regional_level, warning_candidates
from assets.alerts.rules.rules_config import load_rules
from assets.forecast.inputs import read_forecast_csv

D = dt.date(2026, 1, 10)
RULES = load_rules()


def series(area: str, province: str, aqis: list[int | None], observed_days: int = 1) -> pl.DataFrame:
    """AQI for D-observed_days+1 ... : the first ``observed_days`` values observed, the rest forecast."""
    first = D - dt.timedelta(days=observed_days - 1)
    return pl.DataFrame(
        {
            "area": area,
            "province": province,
            "day": [first + dt.timedelta(days=i) for i in range(len(aqis))],
            "aqi": aqis,
            "observed": [i < observed_days for i in range(len(aqis))],
        }
    ).filter(pl.col("aqi").is_not_null())


@pytest.mark.parametrize(
    "forecast, level",
    [
        ([150, 210, 220, 120], "yellow"),  # 2 days > 200
        ([150, 210, 310, 220, 100], "orange"),  # 3 days > 200, one > 300
        ([150, 210, 310, 320, 220, 100], "red"),  # 4 days > 200, two > 300
        ([150, 500, 100, 100], "red"),  # reaching 500
        ([150, 210, 100, 100, 100], None),  # one heavy day only
        ([150, 201, 100, 205, 100], "yellow"),  # one clean day between: one episode (does not clear in 36 h)
        ([150, 205, 100, 100, 205, 100], None),  # two clean days between: two episodes of one day each
    ],
)
def test_national_criteria(forecast, level):
    found = area_warnings(series("自贡", "四川", forecast), D, RULES.warning)
    assert (found[0].level if found else None) == level


def test_observed_days_of_the_episode_count_and_the_warning_lifts_with_nothing_heavy_ahead():
    ongoing = series("自贡", "四川", [230, 320, 240, 150, 150], observed_days=2)  # D-1, D observed heavy
    assert area_warnings(ongoing, D, RULES.warning)[0].level == "orange"
    ended = series("自贡", "四川", [230, 320, 150, 150], observed_days=2)  # nothing heavy after D
    assert area_warnings(ended, D, RULES.warning) == []


def test_regional_rule_needs_three_areas_and_both_provinces():
    heavy = [150, 250, 320, 240, 100]
    sc = [series(a, "四川", heavy) for a in ("自贡", "内江", "宜宾")]
    cq = [series(a, "重庆", [150, 230, 220, 100, 100]) for a in ("荣昌",)]
    only_sichuan = area_warnings(pl.concat(sc), D, RULES.warning)
    assert len(only_sichuan) == 3 and regional_level(only_sichuan, D, RULES.regional) is None
    both = area_warnings(pl.concat(sc + cq), D, RULES.warning)
    level, covering = regional_level(both, D, RULES.regional)
    assert level == "orange" and {e.area for e in covering} == {"自贡", "内江", "宜宾", "荣昌"}
    cands = warning_candidates(pl.concat(sc + cq), D, RULES, ["自贡", "内江", "宜宾", "荣昌"])
    regional = RULES.recipients.route(next(c for c in cands if c.kind == "regional_warning"))
    assert len([r for r in regional.recipients if r["role"] == "area_air_office"]) == 4


def test_forecast_csv_with_aqi_or_concentrations_and_named_errors(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text(
        "issue_date,area,target_date,aqi,pm25,pm10,so2,no2,co,o3_8h,source\n"
        "2026-01-10,自贡,2026-01-11,230,,,,,,,cnemc\n"
        "2026-01-10,内江,2026-01-11,,160,200,10,40,1.2,30,cnemc\n"
        "2026-01-10,成都,2026-01-11,120,,,,,,,cnemc\n"
        "2026-01-10,荣昌,2026-01-09,120,,,,,,,cnemc\n"
        "2026-01-10,大足,2026-01-12,,,,,,,,cnemc\n",
        encoding="utf-8",
    )
    rows, problems = read_forecast_csv(path)
    assert dict(zip(rows["area"], rows["aqi"])) == {"自贡": 230, "内江": 210}  # PM2.5 160 -> IAQI 210 (HJ 633)
    assert sorted((p["row"], p["field"]) for p in problems) == [(4, "area"), (5, "target_date"), (6, "aqi")]
    assert all(str(path) in p["file"] for p in problems)
