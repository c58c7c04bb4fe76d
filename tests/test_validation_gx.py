"""The GX record agrees with the Polars rules that decide quarantine and flags, and the GX project is reused."""

import datetime as dt

import polars as pl
import pytest

from assets.air.generator import GeneratorConfig, generate_air_day
from assets.catalog.stations import active_stations, load_station_catalog
from assets.quality.specs import AIR_HOURLY, quality_ranges
from assets.quality.validate import validate_batch

DAY = dt.date(2026, 1, 14)
NOW = dt.datetime(2026, 1, 16)
NONE_LOADED = pl.DataFrame(schema={"station_code": pl.String, "ts": pl.Datetime("us")})


@pytest.fixture(scope="module")
def catalog():
    return load_station_catalog()


@pytest.fixture(scope="module")
def validated(catalog, tmp_path_factory):
    rows, _ = generate_air_day(active_stations(catalog), DAY, GeneratorConfig(2023, 0.03))
    odd = pl.DataFrame(
        {
            "station_code": ["9999Z", "1882A", "1882A", "1882A", None],
            "ts": [
                dt.datetime(2026, 1, 14, 5),
                dt.datetime(2026, 1, 20, 1),
                dt.datetime(2025, 12, 1, 1),
                dt.datetime(2026, 1, 14, 7),
                dt.datetime(2026, 1, 14, 6),
            ],
            "pm25": [10.0, 10.0, 10.0, 2000.0, 10.0],
        }
    ).with_columns(*(pl.lit(10.0).alias(c) for c in AIR_HOURLY.values if c != "pm25"))
    rows = pl.concat([rows.cast(AIR_HOURLY.schema), odd.cast(AIR_HOURLY.schema).select(AIR_HOURLY.columns)])
    root = tmp_path_factory.mktemp("gx")
    result = validate_batch(AIR_HOURLY, rows, DAY, catalog["code"], NONE_LOADED, NOW, data_root=root)
    return rows, result, root


def gx_counts(result) -> dict:
    return {(e["expectation"], str(e["column"]), e["level"]): e for e in result.gx["expectations"]}


def quarantined(result, reason: str, present: str | None = None) -> int:
    """Quarantined rows naming ``reason``; GX's column expectations skip nulls, so ``present`` keeps the rows where
    that column has a value (a null station code also fails the Polars catalog rule)."""
    rows = result.rejected.filter(pl.col("reasons").str.contains(reason, literal=True))
    return rows.filter(pl.col(present).is_not_null()).height if present else rows.height


def test_gx_row_expectations_count_the_rows_the_polars_rules_quarantine(validated):
    _, result, _ = validated
    counts = gx_counts(result)
    assert result.gx["evaluated"] == len(AIR_HOURLY.suite()["expectations"])
    assert not any(e["error"] for e in result.gx["expectations"])
    for (kind, column, level), exp in counts.items():
        if level != "row" or kind == "expect_compound_columns_to_be_unique":
            continue
        label = {"expect_column_values_to_be_in_set": "catalog"}.get(kind, "")
        reason = f"{kind}({column}" + (f", {label}" if label else "")
        if kind == "expect_column_values_to_be_between":
            # the two ts expectations: partition bounds and the clock
            continue
        present = None if kind == "expect_column_values_to_not_be_null" else column
        assert exp["unexpected_count"] == quarantined(result, reason, present), reason
    ts_checks = [
        e
        for e in result.gx["expectations"]
        if e["expectation"] == "expect_column_values_to_be_between" and e["column"] == "ts"
    ]
    # ts 2026-01-20 is past both the partition and the clock; 2025-12-01 is before the late-row window
    assert sorted(e["unexpected_count"] for e in ts_checks) == sorted(
        [quarantined(result, "(ts, partition)"), quarantined(result, "(ts, not in future)")]
    )
    assert quarantined(result, "(ts, partition)") == 2 and quarantined(result, "(ts, not in future)") == 1
    assert quarantined(result, "(station_code, catalog)") >= 1
    unique = counts[("expect_compound_columns_to_be_unique", "['station_code', 'ts']", "row")]
    assert unique["success"] is (quarantined(result, "superseded by a later row") == 0)


def test_gx_range_expectations_count_the_values_the_polars_flags_mark(validated):
    _, result, _ = validated
    counts = gx_counts(result)
    ranges = quality_ranges().filter(pl.col("dataset") == AIR_HOURLY.name)
    out_of_range = result.flags.filter(pl.col("flag_code").is_in(["SEN", "NEG", "RNG"]))
    for parameter, low, high in ranges.select("parameter", "plausible_min", "plausible_max").iter_rows():
        # GX sees every delivered row; the flags are on accepted rows, so add the quarantined rows' values
        in_quarantine = result.rejected.filter((pl.col(parameter) < low) | (pl.col(parameter) > high)).height
        flagged = out_of_range.filter(pl.col("parameter") == parameter).height
        exp = counts[("expect_column_values_to_be_between", parameter, "value")]
        assert exp["unexpected_count"] == flagged + in_quarantine, parameter
    assert counts[("expect_column_values_to_be_between", "pm25", "value")]["unexpected_count"] >= 1  # the 2,000


def test_an_unchanged_project_is_reused_and_the_docs_index_links_the_run(validated, catalog):
    rows, result, root = validated
    stored = sorted((root / "gx").rglob("*.json"))
    suite_file = next(p for p in stored if p.parent.name == "expectations")
    before = {p: p.stat().st_mtime_ns for p in stored if "validations" not in p.parts}
    again = validate_batch(
        AIR_HOURLY, rows, DAY, catalog["code"], NONE_LOADED, NOW, data_root=root, batch_name="second"
    )
    assert {p: p.stat().st_mtime_ns for p in before} == before, "suite, checkpoint or definitions rewritten"
    assert again.gx["expectations"] == result.gx["expectations"]
    assert suite_file.exists()
    index = (root / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert "second" in index


def test_datasets_share_the_gx_project_without_undoing_each_other(validated, catalog):
    from assets.water.generator import WaterGeneratorConfig, generate_water_day
    from assets.water.sections import load_sections
    from assets.water.sources import TIDY_SCHEMA
    from assets.water.spec import WATER_READINGS

    rows, _, root = validated
    air_checkpoint = next((root / "gx").rglob("checkpoints/air_hourly.json"))
    written = air_checkpoint.stat().st_mtime_ns
    sections = load_sections()
    water, _ = generate_water_day(sections, DAY, WaterGeneratorConfig(2023, 0.0))
    water = water.with_columns(reported_class=pl.lit(None, pl.String)).cast(TIDY_SCHEMA)
    river = validate_batch(
        WATER_READINGS,
        water,
        DAY,
        sections["section_code"],
        NONE_LOADED.rename({"station_code": "section_code"}),
        NOW,
        data_root=root,
    )
    assert river.gx["success"] and river.gx["evaluated"] == len(WATER_READINGS.suite()["expectations"])
    air = validate_batch(AIR_HOURLY, rows, DAY, catalog["code"], NONE_LOADED, NOW, data_root=root, batch_name="after")
    assert air.gx["evaluated"] == len(AIR_HOURLY.suite()["expectations"])
    assert air_checkpoint.stat().st_mtime_ns == written  # air's project objects still load, nothing recreated


def test_a_garbage_year_is_quarantined_while_gx_still_runs(catalog, tmp_path):
    rows = pl.DataFrame(
        {"station_code": ["1882A", "1882A"], "ts": [dt.datetime(2026, 1, 14, 5), dt.datetime(2999, 1, 1)]}
    )
    rows = rows.with_columns(*(pl.lit(10.0).alias(c) for c in AIR_HOURLY.values)).cast(AIR_HOURLY.schema)
    result = validate_batch(AIR_HOURLY, rows, DAY, catalog["code"], NONE_LOADED, NOW, data_root=tmp_path)
    assert result.accepted.height == 1 and result.rejected["row_number"].to_list() == [2]
    assert result.gx["evaluated"] == len(AIR_HOURLY.suite()["expectations"]) and not result.gx["success"]


@pytest.mark.parametrize("damage", ["deleted", "corrupt"])
def test_a_damaged_stored_checkpoint_is_written_anew(validated, catalog, damage):
    rows, _, root = validated
    checkpoint = next((root / "gx").rglob("checkpoints/air_hourly.json"))
    if damage == "deleted":
        checkpoint.unlink()
    else:
        checkpoint.write_text("{not json", encoding="utf-8")
    again = validate_batch(
        AIR_HOURLY, rows, DAY, catalog["code"], NONE_LOADED, NOW, data_root=root, batch_name=f"after-{damage}"
    )
    assert again.gx["evaluated"] == len(AIR_HOURLY.suite()["expectations"])
    assert checkpoint.read_text(encoding="utf-8").startswith("{\n")
