"""Value-level quality flags (the value stays in staging, flagged, like AQS qualifiers / EEA validity codes).

Codes and global thresholds: ``dbt_like_sql/seeds/quality_flags.csv``; per-parameter limits:
``dbt_like_sql/seeds/quality_ranges.csv``. Output: one row per (key, ts, parameter, flag_code).

Spike and stuck detection need the neighbouring hours, also across the partition boundary: ``context`` holds the
rows already in staging around the batch (other partitions); they help decide but are not flagged here.
Each value gets at most one of SEN > NEG > RNG (the most specific); spikes, stuck runs and the part-above-whole flag
(PMR for PM2.5 > PM10, NTN for NH3-N > TN) are judged on the remaining usable values, so a -999 never makes its
neighbours look like spikes. Spikes and stuck runs have two tiers, per parameter: the invalidating one (SPK, STK),
only as far as it is as sure as the national platform's own check (calibrated on its published data:
docs/validation.md), and the suspect one (SPS, STS: the value stays in the statistics, the flag is shown to staff).
"""

from __future__ import annotations

import polars as pl

from assets.quality.specs import DatasetSpec, flag_threshold

FLAG_SCHEMA = {"ts": pl.Datetime("us"), "parameter": pl.String, "flag_code": pl.String}


def value_flags(spec: DatasetSpec, rows: pl.DataFrame, context: pl.DataFrame | None = None) -> pl.DataFrame:
    """Flags of ``rows`` (accepted rows of one batch); ``context`` = neighbouring rows of other partitions."""
    key, time = spec.key, spec.time
    cols = [key, time, *spec.values]
    both = pl.concat(
        [
            rows.select(cols).with_columns(_own=pl.lit(True)),
            (context if context is not None else rows.clear()).select(cols).with_columns(_own=pl.lit(False)),
        ],
        how="vertical_relaxed",
    ).unique([key, time], keep="first")  # the batch's own value wins over an older copy
    # sorted wide, then unpivoted: each parameter's block keeps the (key, time) order, so ``long`` is sorted by
    # parameter block, key, time for the shifts below; sorting the long frame costs five times more
    long = (
        both.sort(key, time)
        .unpivot(index=[key, time, "_own"], on=list(spec.values), variable_name="parameter")
        .join(
            spec.ranges().select(
                "parameter",
                "plausible_min",
                "plausible_max",
                "spike_min_jump",
                "spike_factor",
                "spike_suspect_factor",
                "stuck_min_value",
                "stuck_min_run",
                "stuck_suspect_run",
            ),
            on="parameter",
            how="left",
            maintain_order="left",
        )
    )

    sentinels = [float(v) for v in flag_threshold("SEN").split("|")]
    v = pl.col("value")
    basic = (
        pl.when(v.is_in(sentinels))
        .then(pl.lit("SEN"))
        # a concentration below 0; water temperature may go down to its plausible_min of -1 C
        .when((v < 0) & (pl.col("plausible_min") >= 0))
        .then(pl.lit("NEG"))
        .when((v < pl.col("plausible_min")) | (v > pl.col("plausible_max")))
        .then(pl.lit("RNG"))
    )
    long = long.with_columns(basic.alias("basic")).with_columns(usable=pl.when(pl.col("basic").is_null()).then(v))
    flags = [
        long.filter(pl.col("basic").is_not_null()).select(key, time, "parameter", "_own", flag_code="basic"),
        _spikes(long, key, time, spec.step_hours),
        _stuck(long, key, time, spec.step_hours),
    ]
    if spec.part_whole:
        flags.append(_part_above_whole(long, key, time, *spec.part_whole))
    out = pl.concat([f.select(key, time, "parameter", "_own", "flag_code") for f in flags])
    return out.filter("_own").drop("_own").unique().sort(key, time, "parameter", "flag_code")


def _adjacent(key: str, time: str, step: int, offset: int) -> pl.Expr:
    """True where the row ``offset`` away (``long`` is sorted by parameter, key, time) is the same series exactly
    one step earlier (offset 1) or later (offset -1). Plain shifts: much faster than window functions here."""
    gap = (pl.col(time) - pl.col(time).shift(offset)) * offset
    return (
        (pl.col("parameter") == pl.col("parameter").shift(offset))
        & (pl.col(key) == pl.col(key).shift(offset))
        & (gap == pl.duration(hours=step))
    )


def _spikes(long: pl.DataFrame, key: str, time: str, step: int) -> pl.DataFrame:
    """SPK where the value exceeds ``spike_factor`` x the larger neighbour, else SPS where it exceeds
    ``spike_suspect_factor`` x (both also by ``spike_min_jump``, both neighbours present; a null factor: never)."""
    prev = pl.when(_adjacent(key, time, step, 1)).then(pl.col("usable").shift(1))
    nxt = pl.when(_adjacent(key, time, step, -1)).then(pl.col("usable").shift(-1))
    ref = pl.max_horizontal(prev, nxt)
    peak = prev.is_not_null() & nxt.is_not_null() & (pl.col("usable") - ref > pl.col("spike_min_jump"))
    code = (
        pl.when(peak & (pl.col("usable") > pl.col("spike_factor") * ref))
        .then(pl.lit("SPK"))
        .when(peak & (pl.col("usable") > pl.col("spike_suspect_factor") * ref))
        .then(pl.lit("SPS"))
    )
    return long.with_columns(flag_code=code).filter(pl.col("flag_code").is_not_null())


def _stuck(long: pl.DataFrame, key: str, time: str, step: int) -> pl.DataFrame:
    """Runs of the same value in consecutive time steps at >= ``stuck_min_value``: STK from ``stuck_min_run``
    readings, else STS from ``stuck_suspect_run`` (a null run length: never)."""
    same = _adjacent(key, time, step, 1) & (pl.col("usable") == pl.col("usable").shift(1))
    runs = long.with_columns(run=(~same.fill_null(False)).cum_sum()).with_columns(run_len=pl.len().over("run"))
    steady = pl.col("usable").is_not_null() & (pl.col("usable") >= pl.col("stuck_min_value"))
    code = (
        pl.when(steady & (pl.col("run_len") >= pl.col("stuck_min_run")))
        .then(pl.lit("STK"))
        .when(steady & (pl.col("run_len") >= pl.col("stuck_suspect_run")))
        .then(pl.lit("STS"))
    )
    return runs.with_columns(flag_code=code).filter(pl.col("flag_code").is_not_null())


def _part_above_whole(long: pl.DataFrame, key: str, time: str, code: str, part: str, whole: str) -> pl.DataFrame:
    """A part above its whole beyond the tolerance (PM2.5 > PM10, NH3-N > TN): both values of the reading get
    ``code``, since which analyser is wrong cannot be told."""
    relative, absolute = (float(x) for x in flag_threshold(code).split("|"))
    wide = long.filter(pl.col("parameter").is_in([part, whole])).pivot(
        on="parameter", index=[key, time, "_own"], values="usable"
    )
    if part not in wide.columns or whole not in wide.columns:
        return long.clear().with_columns(flag_code=pl.lit(code))
    bad = wide.filter(pl.col(part) - pl.col(whole) > pl.max_horizontal(pl.lit(absolute), relative * pl.col(whole)))
    return pl.concat(
        [bad.select(key, time, "_own", parameter=pl.lit(p), flag_code=pl.lit(code)) for p in (part, whole)]
    )
