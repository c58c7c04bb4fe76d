"""GB 3838 single-factor classes, computed by hand and checked through the SQL models (STANDARDS §5)."""

import pytest

from tests.water.marts_harness import build_water_marts, query, reading

# Class I on every evaluated parameter; each case changes one thing.
CLEAN = dict(
    ph=7.5,
    dissolved_oxygen=8.0,
    codmn=1.5,
    ammonia_nitrogen=0.1,
    total_phosphorus=0.02,
    total_nitrogen=0.15,
    water_temp=15.0,
    conductivity=400.0,
    turbidity=10.0,
)


def classify(tmp_path, **changes):
    values = {**CLEAN, **changes}
    n = len(list(tmp_path.glob("*.duckdb")))  # a fresh warehouse per reading
    con = build_water_marts(tmp_path / f"w{n}.duckdb", [reading("LXH01", "2026-11-20 08:00", **values)])
    return query(con, "SELECT * FROM marts.water_reading_class").row(0, named=True)


@pytest.mark.parametrize(
    ("do", "expected"),
    [(8.0, "I"), (7.5, "I"), (6.2, "II"), (6.0, "II"), (5.5, "III"), (4.9, "IV"), (2.5, "V"), (1.9, "劣V")],
)
def test_dissolved_oxygen_is_a_minimum(tmp_path, do, expected):
    row = classify(tmp_path, dissolved_oxygen=do)
    assert row["dissolved_oxygen_class"] == expected
    assert row["water_class"] == expected
    if expected != "I":
        assert row["worst_parameters"] == ["dissolved_oxygen"]


@pytest.mark.parametrize(("ph", "expected"), [(5.9, "劣V"), (9.2, "劣V"), (6.0, "I"), (9.0, "I"), (3.0, "劣V")])
def test_ph_outside_6_to_9_is_inferior_v_whatever_the_rest(tmp_path, ph, expected):
    row = classify(tmp_path, ph=ph)
    assert row["ph_class"] == expected and row["water_class"] == expected


def test_total_phosphorus_0_25_is_class_iv_in_a_river(tmp_path):
    row = classify(tmp_path, total_phosphorus=0.25)
    assert row["total_phosphorus_class"] == "IV" and row["water_class"] == "IV"
    assert row["worst_parameters"] == ["total_phosphorus"]
    assert row["compliant"] is False  # LXH01's target is III


def test_total_nitrogen_is_reported_but_does_not_decide_a_river_class(tmp_path):
    row = classify(tmp_path, total_nitrogen=5.0)  # 劣V by the lake limits
    assert row["total_nitrogen"] == 5.0
    assert row["water_class"] == "I"


def test_a_missing_parameter_never_makes_the_class_better(tmp_path):
    # NH3-N 1.2 is IV; TP missing must not turn the reading into anything better than IV
    row = classify(tmp_path, ammonia_nitrogen=1.2, total_phosphorus=None)
    assert row["water_class"] == "IV" and row["missing_parameters"] == ["total_phosphorus"]
    # a sentinel (-999) or negative TP is no value at all, not class I
    row = classify(tmp_path, total_phosphorus=-999.0, ammonia_nitrogen=1.2)
    assert row["total_phosphorus_class"] is None and row["water_class"] == "IV"
    assert row["missing_parameters"] == ["total_phosphorus"]
    # only TP there: the class is what TP supports, the others listed as missing
    only_tp = {k: None for k in CLEAN} | {"total_phosphorus": 0.25}
    row = classify(tmp_path, **only_tp)
    assert row["water_class"] == "IV"
    assert set(row["missing_parameters"]) == {"ph", "dissolved_oxygen", "codmn", "ammonia_nitrogen"}
    # nothing evaluated: no class (and no compliance), never class I
    nothing = {k: None for k in CLEAN} | {"water_temp": 15.0, "total_nitrogen": 1.0}
    row = classify(tmp_path, **nothing)
    assert row["water_class"] is None and row["compliant"] is None


def test_daily_mean_class_compliance_main_pollutants_and_exceedance_multiples(tmp_path):
    rows = [
        reading(
            "LXH01",
            "2026-11-20 04:00",
            **(CLEAN | {"total_phosphorus": 0.18, "ammonia_nitrogen": 1.3, "dissolved_oxygen": 4.6}),
        ),
        reading(
            "LXH01",
            "2026-11-20 08:00",
            **(CLEAN | {"total_phosphorus": 0.26, "ammonia_nitrogen": 1.1, "dissolved_oxygen": 4.8}),
        ),
        reading("LXH01", "2026-11-21 00:00", **(CLEAN | {"total_phosphorus": None})),  # 00:00 ends natural day 11-20
        reading("LXH01", "2026-11-21 04:00", **CLEAN),  # the next day
    ]
    con = build_water_marts(tmp_path / "w.duckdb", rows)
    day = query(con, "SELECT * FROM marts.water_section_daily WHERE day = DATE '2026-11-20'").row(0, named=True)
    # means: TP (0.18+0.26)/2 = 0.22 -> IV; NH3-N (1.3+1.1+0.1)/3 = 0.833 -> III; DO (4.6+4.8+8.0)/3 = 5.8 -> III
    assert day["readings_used"] == 3
    assert day["total_phosphorus"] == pytest.approx(0.22) and day["total_phosphorus_class"] == "IV"
    assert day["ammonia_nitrogen"] == pytest.approx(0.833) and day["ammonia_nitrogen_class"] == "III"
    assert day["dissolved_oxygen"] == pytest.approx(5.8) and day["dissolved_oxygen_class"] == "III"
    assert (day["water_class"], day["target_class"], day["compliant"]) == ("IV", "III", False)
    assert day["main_pollutants"] == ["total_phosphorus"]
    assert day["total_phosphorus_multiple"] == pytest.approx(0.1)  # (0.22 - 0.2) / 0.2
    assert day["main_pollutants_zh"] == "总磷(0.1)"
    assert day["status_zh"] == "轻度污染"
    next_day = query(con, "SELECT * FROM marts.water_section_daily WHERE day = DATE '2026-11-21'").row(0, named=True)
    assert next_day["water_class"] == "I" and next_day["compliant"] is True and next_day["main_pollutants"] is None
    month = query(con, "SELECT * FROM marts.water_section_monthly").row(0, named=True)
    assert month["month"].isoformat() == "2026-11-01" and month["readings_used"] == 4


def test_dissolved_oxygen_can_be_a_main_pollutant_without_a_multiple(tmp_path):
    con = build_water_marts(
        tmp_path / "w.duckdb",
        [
            reading("LXH01", "2026-11-20 04:00", **(CLEAN | {"dissolved_oxygen": 2.5, "total_phosphorus": 0.25})),
        ],
    )
    day = query(con, "SELECT * FROM marts.water_section_daily").row(0, named=True)
    assert day["water_class"] == "V"
    assert day["main_pollutants"] == ["dissolved_oxygen", "total_phosphorus"]  # V before IV
    assert day["main_pollutants_zh"] == "溶解氧、总磷(0.25)"
