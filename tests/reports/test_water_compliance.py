"""Water compliance roll-ups and the cross-border scorecard, on hand-made monthly section classes."""

import datetime as dt

import duckdb
import polars as pl
import pytest

from assets.sql_models.models import build_model, discover_models, load_seed

M1, M2, M3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
SECTIONS = pl.DataFrame(
    {
        "section_code": ["A1", "A2", "B1", "B2"],
        "name": ["A 上游", "A 出境(川渝界)", "B 入境(川渝界)", "B 下游"],
        "river": ["甲河", "甲河", "甲河", "甲河"],
        "province": ["重庆", "重庆", "四川", "四川"],
        "is_border_section": [False, True, True, False],
        "border_role": [None, "upstream", "downstream", None],
        "target_class": ["III", "III", "III", "III"],
        "next_section_code": ["A2", "B1", "B2", None],
    }
)
RANK = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "劣V": 6}
TP, NH3 = "total_phosphorus", "ammonia_nitrogen"  # main pollutants as the section marts name them


def _monthly(rows: list[tuple]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows,
        schema=["section_code", "month", "water_class", "main_pollutants"],
        orient="row",
        schema_overrides={"main_pollutants": pl.List(pl.String)},
    )
    return frame.join(SECTIONS.rename({"name": "section_name"}), on="section_code").with_columns(
        class_rank=pl.col("water_class").replace_strict(RANK, return_dtype=pl.Int64),
        compliant=pl.col("water_class").replace_strict(RANK, return_dtype=pl.Int64) <= 3,
        status_zh=pl.lit("良好"),
        area=pl.lit("荣昌"),
    )


@pytest.fixture(scope="module")
def con():
    monthly = _monthly(
        [
            ("A1", M1, "II", None),
            ("A2", M1, "III", None),
            ("B1", M1, "IV", [NH3]),
            ("B2", M1, "III", None),
            ("A1", M2, "II", None),
            ("A2", M2, "V", [TP, NH3]),
            ("B1", M2, "劣V", [NH3, TP]),
            ("B2", M2, None, None),  # readings but no class: not assessed
            ("A2", M3, "III", None),
            ("B1", M3, "III", None),
        ]
    )
    c = duckdb.connect()
    for schema in ("seeds", "marts"):
        c.execute(f"CREATE SCHEMA {schema}")
    c.register("_sections", SECTIONS.to_arrow())
    c.register("_monthly", monthly.to_arrow())
    c.execute("CREATE TABLE seeds.water_sections AS SELECT * FROM _sections")
    c.execute("CREATE TABLE marts.water_section_monthly AS SELECT * FROM _monthly")
    load_seed(c, "water_river_status")
    load_seed(c, "water_classes")
    load_seed(c, "water_parameters")  # the Chinese names of the scorecard
    models = {m.table: m for m in discover_models()}
    # the water engineer's river/province marts, then ours
    for table in (
        "marts.water_river_monthly",
        "marts.water_province_monthly",
        "marts.water_compliance_monthly",
        "marts.water_border_scorecard",
    ):
        if table == "marts.water_river_monthly":  # it needs the class of the river mean: stand in with none
            c.execute("CREATE SCHEMA IF NOT EXISTS intermediate")
            c.execute(
                "CREATE TABLE intermediate.water_period_class (subject VARCHAR, period VARCHAR, "
                "period_start TIMESTAMP, first_day DATE, last_day DATE, water_class VARCHAR, class_rank INT, "
                "status_zh VARCHAR, "
                "main_pollutants VARCHAR[], missing_parameters VARCHAR[])"
            )
        build_model(c, models[table])
    yield c
    c.close()


def test_compliance_rates_per_section_river_province_and_region(con):
    rows = {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "SELECT scope, code, month, sections_assessed, sections_compliant, compliance_rate "
            "FROM marts.water_compliance_monthly"
        ).fetchall()
    }
    assert rows[("section", "B1", M1)] == (1, 0, 0.0)
    assert rows[("section", "B2", M2)] == (0, 0, None)  # no class: not assessed
    assert rows[("region", "川南渝西", M1)] == (4, 3, 0.75)
    assert rows[("region", "川南渝西", M2)] == (3, 1, pytest.approx(1 / 3))
    assert rows[("province", "四川", M2)] == (1, 0, 0.0)
    assert rows[("river", "甲河", M1)] == (4, 3, 0.75)


def test_border_scorecard_months_compliant_worst_class_and_main_pollutants(con):
    card = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT section_code, crossing, months_assessed, months_compliant, worst_class, worst_month, "
            "main_pollutants, main_pollutants_zh FROM marts.water_border_scorecard "
            "WHERE period_kind = 'year' AND year = 2026"
        ).fetchall()
    }
    assert set(card) == {"A2", "B1"}  # only the sections on the border
    assert card["A2"] == ("A2→B1", 3, 2, "V", M2, [NH3, TP], ["氨氮", "总磷"])  # in Chinese: 总磷, not total_phosphorus
    assert card["B1"] == ("A2→B1", 3, 1, "劣V", M2, [NH3, TP], ["氨氮", "总磷"])


def test_border_scorecard_of_a_month_and_the_year_to_date_hold_only_their_months(con):
    """Issue 24: the monthly report's scorecard said months_assessed 3 and a worst month after the report's month."""
    card = {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "SELECT period_kind, period_end, section_code, months_assessed, months_compliant, worst_class, worst_month "
            "FROM marts.water_border_scorecard"
        ).fetchall()
    }
    assert card[("month", dt.date(2026, 1, 31), "B1")] == (1, 0, "IV", M1)
    assert card[("month", dt.date(2026, 3, 31), "B1")] == (1, 1, "III", M3)
    assert card[("ytd", dt.date(2026, 1, 31), "B1")] == (1, 0, "IV", M1)  # 1月累计: January only
    assert card[("ytd", dt.date(2026, 2, 28), "B1")] == (2, 0, "劣V", M2)
    assert card[("year", dt.date(2026, 12, 31), "B1")] == (3, 1, "劣V", M2)
    starts = con.execute(
        "SELECT DISTINCT period_kind, period_start, period_end FROM marts.water_border_scorecard "
        "WHERE worst_month NOT BETWEEN period_start AND period_end"
    ).fetchall()
    assert starts == []
