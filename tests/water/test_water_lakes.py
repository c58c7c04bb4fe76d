"""Lakes and reservoirs (湖库): total phosphorus on the lake limits of GB 3838-2002 Table 1, total nitrogen classed on
its own and never part of the class. Hand-computed cases at each limit and just above it, river beside lake, through
the SQL models on a small DuckDB (tests/water/marts_harness.py)."""

import datetime as dt

import polars as pl
import pytest

from assets.water.sections import load_sections
from tests.water.marts_harness import build_water_marts, query, reading

LAKE, RIVER = "LXH02", "LXH01"  # the demo catalog's sections, LXH02 declared a reservoir here
# class I on every other evaluated parameter, so that TP decides the class
CLEAN = dict(ph=7.5, dissolved_oxygen=8.0, codmn=1.5, ammonia_nitrogen=0.1, total_nitrogen=0.15)
START = dt.datetime(2026, 6, 1, 1, 0)

# (TP, class in a lake or reservoir, class in a river): the limits of each class and the next value above them
TP_CASES = [
    (0.01, "I", "I"),
    (0.011, "II", "I"),
    (0.02, "II", "I"),
    (0.021, "II", "II"),
    (0.025, "II", "II"),
    (0.026, "III", "II"),
    (0.029, "III", "II"),  # the reservoir reading: III on the platform, II when judged as a river
    (0.05, "III", "II"),
    (0.051, "IV", "II"),
    (0.1, "IV", "II"),
    (0.101, "V", "III"),
    (0.2, "V", "III"),
    (0.201, "劣V", "IV"),
    (0.3, "劣V", "IV"),
    (0.4, "劣V", "V"),
    (0.401, "劣V", "劣V"),
]
# (TN, its class in a lake): shown on its own, the reading's class stays I
TN_CASES = [
    (0.2, "I"),
    (0.201, "II"),
    (0.5, "II"),
    (0.501, "III"),
    (1.0, "III"),
    (1.001, "IV"),
    (1.5, "IV"),
    (1.501, "V"),
    (2.0, "V"),
    (2.001, "劣V"),
]


def _ts(i: int) -> dt.datetime:
    return START + dt.timedelta(hours=i)


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    sections = load_sections().with_columns(
        water_body=pl.when(pl.col("section_code") == LAKE).then(pl.lit("lake")).otherwise(pl.col("water_body"))
    )
    rows = []
    for i, (tp, _, _) in enumerate(TP_CASES):
        for section in (LAKE, RIVER):
            rows.append(reading(section, _ts(i).isoformat(), **{**CLEAN, "total_phosphorus": tp}))
    for j, (tn, _) in enumerate(TN_CASES):
        for section in (LAKE, RIVER):
            values = {**CLEAN, "total_phosphorus": 0.01, "total_nitrogen": tn}
            rows.append(reading(section, _ts(100 + j).isoformat(), **values))
    con = build_water_marts(tmp_path_factory.mktemp("lakes") / "w.duckdb", rows, sections)
    yield con
    con.close()


def _reading(con, section: str, ts: dt.datetime) -> dict:
    return query(con, "SELECT * FROM marts.water_reading_class WHERE section_code = ? AND ts = ?", [section, ts]).row(
        0, named=True
    )


@pytest.mark.parametrize(("tp", "lake_class", "river_class"), TP_CASES)
def test_total_phosphorus_of_a_lake_on_the_lake_limits_of_a_river_on_the_river_limits(
    marts, tp, lake_class, river_class
):
    i = [c[0] for c in TP_CASES].index(tp)
    lake, river = _reading(marts, LAKE, _ts(i)), _reading(marts, RIVER, _ts(i))
    assert (lake["water_body"], river["water_body"]) == ("lake", "river")
    assert (lake["total_phosphorus_class"], lake["water_class"]) == (lake_class, lake_class)
    assert (river["total_phosphorus_class"], river["water_class"]) == (river_class, river_class)
    if lake_class != "I":
        assert lake["worst_parameters"] == ["total_phosphorus"]


@pytest.mark.parametrize(("tn", "tn_class"), TN_CASES)
def test_total_nitrogen_of_a_lake_is_classed_on_its_own_and_not_part_of_the_class(marts, tn, tn_class):
    j = [c[0] for c in TN_CASES].index(tn)
    lake, river = _reading(marts, LAKE, _ts(100 + j)), _reading(marts, RIVER, _ts(100 + j))
    assert lake["total_nitrogen"] == tn and lake["total_nitrogen_class"] == tn_class
    assert lake["water_class"] == "I" and lake["worst_parameters"] == [
        "ammonia_nitrogen",
        "codmn",
        "dissolved_oxygen",
        "ph",
        "total_phosphorus",
    ]
    assert "total_nitrogen" not in lake["missing_parameters"]
    # a river's TN is reported, not evaluated
    assert river["total_nitrogen"] == tn and river["total_nitrogen_class"] is None and river["water_class"] == "I"


def test_a_lake_s_day_and_month_use_the_lake_limits_and_show_tn_apart(marts):
    daily = query(
        marts,
        "SELECT section_code, water_body, day, total_phosphorus, water_class, total_nitrogen_class, "
        "main_pollutants_zh FROM marts.water_section_daily WHERE day = DATE '2026-06-01' ORDER BY section_code",
    )
    river, lake = daily.rows(named=True)
    # the day's mean TP of the 16 cases of 1 June (01:00 .. 16:00): 1.946 / 16 = 0.121625 -> 0.122 (3 decimals)
    assert lake["total_phosphorus"] == river["total_phosphorus"] == 0.122
    assert (lake["water_body"], lake["water_class"], river["water_class"]) == ("lake", "V", "III")
    # main pollutant with the exceedance multiple over the lake's class III limit: (0.122 - 0.05) / 0.05 = 1.44
    assert lake["main_pollutants_zh"] == "总磷(1.44)" and river["main_pollutants_zh"] is None
    assert lake["total_nitrogen_class"] == "I" and river["total_nitrogen_class"] is None
    monthly = query(
        marts, "SELECT section_code, water_class, total_nitrogen_class FROM marts.water_section_monthly ORDER BY 1"
    )
    # June: TP (1.946 + 10 x 0.01) / 26 = 0.0787 -> 0.079 (lake IV, river II); TN (16 x 0.15 + 10.405) / 26 = 0.4925
    # -> 0.49 (II)
    assert monthly.rows() == [(RIVER, "II", None), (LAKE, "IV", "II")]
