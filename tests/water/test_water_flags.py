"""River readings through the shared validation layer: value flags on the generator's faults (and none on its
clean data, incidents included), the blocking batch check, GX and Data Docs in a real Dagster run."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from assets.quality.specs import quality_ranges
from assets.quality.validate import validate_batch
from assets.quality.value_flags import value_flags
from assets.resources import resources_for
from assets.water.generator import WaterGeneratorConfig, clean_water_day, generate_water_day
from assets.water.sections import load_sections
from assets.water.sources import TIDY_SCHEMA
from assets.water.spec import WATER_READINGS
from pipelines.definitions import all_assets
from warehouse.connection import fetch_polars, read_connection
from warehouse.paths import DataPaths

pytestmark = pytest.mark.pipeline

KEY = ["section_code", "ts", "parameter"]
FIRST = dt.date(2025, 6, 1)  # the wet season: rain events and discharges
DAYS = 45
RANGES = quality_ranges().filter(pl.col("dataset") == WATER_READINGS.name)


@pytest.fixture(scope="module")
def sections():
    return load_sections()


def test_clean_readings_of_a_summer_get_no_flag(sections):
    # the wet season: a discharge's single-reading peak of NH3-N, rain on turbidity, DO swinging with daylight
    days = [dt.date(2025, 6, 1) + dt.timedelta(days=i) for i in range(92)]
    clean = pl.concat([clean_water_day(sections, d, 2023) for d in days]).with_columns(reported_class=pl.lit(None))
    nh3 = pl.col("ammonia_nitrogen")
    neighbours = pl.max_horizontal(nh3.shift(1).over("section_code"), nh3.shift(-1).over("section_code"))
    assert clean.sort("section_code", "ts").filter(nh3 > 3 * neighbours).height > 0  # real single-reading peaks
    flags = value_flags(WATER_READINGS, clean.cast(TIDY_SCHEMA))
    assert flags.height == 0, flags.group_by("flag_code", "parameter").len()


@pytest.fixture(scope="module")
def validated_days(sections):
    """45 faulty days validated one after another, each with the days before as context (as the pipeline does)."""
    staged, flags, faults = pl.DataFrame(schema=TIDY_SCHEMA), [], []
    none = pl.DataFrame(schema={"section_code": pl.String, "ts": pl.Datetime("us")})
    for i in range(DAYS):
        day = FIRST + dt.timedelta(days=i)
        rows, injected = generate_water_day(sections, day, WaterGeneratorConfig(2023, 0.03))
        rows = rows.with_columns(reported_class=pl.lit(None, pl.String)).cast(TIDY_SCHEMA)
        result = validate_batch(
            WATER_READINGS, rows, day, sections["section_code"], none, dt.datetime(2026, 1, 1), context=staged
        )
        staged = pl.concat([staged, result.accepted])
        flags.append(result.flags)
        faults.append(injected)
    return staged, pl.concat(flags), pl.concat(faults)


def flagged(flags, code):
    return flags.filter(pl.col("flag_code") == code).select(KEY).unique()


def injected(faults, kind):
    return faults.filter(pl.col("kind") == kind).select(KEY).unique()


def test_negative_and_sentinel_readings_are_flagged(validated_days):
    staged, flags, faults = validated_days
    values = staged.unpivot(index=["section_code", "ts"], on=list(WATER_READINGS.values), variable_name="parameter")
    concentrations = RANGES.filter(pl.col("plausible_min") >= 0)["parameter"].implode()  # not water temperature
    negative = (pl.col("value") < 0) & (pl.col("value") != -999) & pl.col("parameter").is_in(concentrations)
    for kind, code, delivered in (("negative", "NEG", negative), ("sentinel", "SEN", pl.col("value") == -999)):
        # an injected fault may be overwritten by a later one (NH3-N derived from a negative TN is negative too),
        # or its row delivered late as a clean copy
        expected = values.filter(delivered).select(KEY)
        assert expected.height > 5 and expected.join(injected(faults, kind), on=KEY, how="semi").height > 5, kind
        assert expected.join(faults.select(KEY), on=KEY, how="anti").height == 0, kind
        assert expected.sort(KEY).equals(flagged(flags, code).sort(KEY)), kind


def test_spikes_are_flagged_only_where_injected_and_never_on_pollution_tracers(validated_days):
    _, flags, faults = validated_days
    spikes = flagged(flags, "SPK")
    assert spikes.height > 0
    assert spikes.join(injected(faults, "spike"), on=KEY, how="anti").height == 0, "a spike flag on a clean value"
    tracers = RANGES.filter(pl.col("spike_min_jump").is_null())["parameter"]
    assert spikes.filter(pl.col("parameter").is_in(tracers.implode())).height == 0


def test_stuck_probes_are_flagged_after_a_day_without_change(validated_days):
    staged, flags, faults = validated_days
    stuck = flagged(flags, "STK")
    assert stuck.height >= 6
    assert stuck.join(injected(faults, "stuck"), on=KEY, how="anti").height == 0
    # each flagged run: one value, at least stuck_min_run (6) consecutive 4-hourly readings
    runs = stuck.join(staged.unpivot(index=["section_code", "ts"], variable_name="parameter"), on=KEY)
    per_run = runs.group_by("section_code", "parameter", "value").agg(
        pl.len(), span=pl.col("ts").max() - pl.col("ts").min()
    )
    broken = per_run.filter((pl.col("len") < 6) | (pl.col("span") != pl.duration(hours=4) * (pl.col("len") - 1)))
    assert broken.height == 0, broken


def test_ammonia_above_total_nitrogen_flags_both_as_suspect(validated_days):
    staged, flags, faults = validated_days
    # judged on usable values: a -999 or negative total nitrogen is flagged for that, not as NTN
    unusable = (
        flags.filter(
            pl.col("flag_code").is_in(["SEN", "NEG", "RNG"])
            & pl.col("parameter").is_in(["ammonia_nitrogen", "total_nitrogen"])
        )
        .select("section_code", "ts")
        .unique()
    )
    nh3, tn = pl.col("ammonia_nitrogen"), pl.col("total_nitrogen")
    both = (
        staged.join(unusable, on=["section_code", "ts"], how="anti")
        .filter(nh3 - tn > pl.max_horizontal(pl.lit(0.05), 0.1 * tn))
        .select("section_code", "ts")
    )
    ntn = flags.filter(pl.col("flag_code") == "NTN")
    assert both.height > 0
    assert (
        ntn.filter(pl.col("parameter") == "ammonia_nitrogen")
        .select("section_code", "ts")
        .sort(pl.all())
        .equals(both.sort(pl.all()))
    )
    assert set(ntn["parameter"]) == {"ammonia_nitrogen", "total_nitrogen"}
    # every case is a fault of one of the two readings: NH3-N set above TN, or an NH3-N spike (a pollution tracer
    # gets no spike flag of its own)
    faulty = faults.filter(pl.col("parameter").is_in(["ammonia_nitrogen", "total_nitrogen"]))
    assert both.join(faulty, on=["section_code", "ts"], how="anti").height == 0
    assert both.join(injected(faults, "nh3_gt_tn"), on=["section_code", "ts"], how="semi").height > 0


def test_water_below_zero_degrees_is_not_a_negative_concentration():
    rows = pl.DataFrame(
        {
            "section_code": ["LXH01"] * 3,
            "ts": [dt.datetime(2026, 1, 14, h) for h in (4, 8, 12)],
            "water_temp": [-0.3, -1.5, 0.4],
            "ph": [7.5, 7.5, -0.1],
        }
    )
    rows = rows.with_columns(*(pl.lit(1.0).alias(c) for c in WATER_READINGS.values if c not in rows.columns))
    flags = value_flags(WATER_READINGS, rows.with_columns(reported_class=pl.lit(None)).cast(TIDY_SCHEMA))
    assert flags.select("ts", "parameter", "flag_code").rows() == [
        (dt.datetime(2026, 1, 14, 8), "water_temp", "RNG"),
        (dt.datetime(2026, 1, 14, 12), "ph", "NEG"),
    ]


WATER = dg.AssetKey(["staging", "water_readings"])
VALUES = dg.AssetKey(["intermediate", "water_values"])
NEEDED = {
    WATER,
    VALUES,
    dg.AssetKey(["seeds", "water_sections"]),
    dg.AssetKey(["seeds", "quality_flags"]),
    dg.AssetKey(["seeds", "quality_ranges"]),
}
SELECTED = [a for a in all_assets if set(a.keys) & NEEDED]


def run(data_dir, **settings):
    return dg.materialize(
        SELECTED,
        partition_key="2026-06-14",
        resources=resources_for(str(data_dir), **settings),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        selection=list(NEEDED),
    )


def test_water_batch_check_blocks_downstream_when_unusable(tmp_path):
    result = run(tmp_path / "data", generator_fault_rate=0.05, max_rejected_share=0.0)
    usable = next(e for e in result.get_asset_check_evaluations() if e.check_name == "batch_usable")
    assert usable.asset_key == WATER and not usable.passed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert WATER in materialized and VALUES not in materialized


def test_water_day_is_flagged_documented_and_flags_leave_values_out(tmp_path):
    data_dir = tmp_path / "data"
    result = run(data_dir, generator_fault_rate=0.05)
    assert result.success
    usable = next(e for e in result.get_asset_check_evaluations() if e.check_name == "batch_usable")
    assert usable.passed
    meta = result.asset_materializations_for_node("staging__water_readings")[0].metadata
    assert meta["gx_expectations_failed"].value >= 1  # the faults fail the range expectations
    assert (data_dir / "data_docs" / "index.html").exists()
    with read_connection(DataPaths(data_dir).warehouse) as con:
        flags = fetch_polars(con, "SELECT * FROM staging.water_value_flags")
        left_in = fetch_polars(
            con,
            "SELECT f.flag_code, count(*) AS n FROM staging.water_value_flags f JOIN intermediate.water_values v "
            "USING (section_code, ts, parameter) GROUP BY ALL",
        )
    assert flags.height > 0 and set(flags["flag_code"]) >= {"NEG"}
    # invalidating flags leave the value out of the classes; only the suspect NTN stays in
    assert set(left_in["flag_code"]) <= {"NTN"}
