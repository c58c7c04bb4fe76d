"""Faults of real water feeds, injected into the generator's clean readings at a low configurable rate.

The same kinds as the air generator: missing readings, spikes, stuck values (a probe that stops updating), negative
and sentinel (-999) values, a physical inconsistency (ammonia nitrogen above total nitrogen, which contains it; the
water counterpart of PM2.5 > PM10), duplicated rows (exact and conflicting) and late rows (yesterday's readings
delivered with today's batch). Every injected fault is logged (kind, section, time, parameter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

FAULT_KINDS = ("missing", "spike", "stuck", "negative", "sentinel", "nh3_gt_tn", "duplicate", "late")
VALUE_COLUMNS = (
    "water_temp",
    "ph",
    "dissolved_oxygen",
    "conductivity",
    "turbidity",
    "codmn",
    "ammonia_nitrogen",
    "total_phosphorus",
    "total_nitrogen",
)
STUCK_READINGS = 6  # one day of 4-hourly readings


def late_rows_for(sections: pl.DataFrame, day: dt.date, config, clean_day: Callable) -> pl.DataFrame:
    """Readings of ``day - 1`` delivered late, with ``day``'s batch (chosen by ``day``'s random stream)."""
    yesterday = clean_day(sections, day - dt.timedelta(days=1), config.seed)
    pick = np.random.default_rng([config.seed, day.toordinal(), 199]).random(yesterday.height) < config.fault_rate
    return yesterday.filter(pl.Series(pick))


def inject_faults(clean: pl.DataFrame, late: pl.DataFrame, day: dt.date, config) -> tuple[pl.DataFrame, pl.DataFrame]:
    rate = config.fault_rate
    rng = np.random.default_rng([config.seed, day.toordinal(), 107])
    data = clean.with_row_index("_i")
    n = data.height
    log: list[tuple[str, int, str | None]] = []
    values = {c: data[c].to_numpy().copy() for c in VALUE_COLUMNS}
    codes, ts = data["section_code"].to_numpy(), data["ts"].to_numpy()

    def pick(scale: float = 1.0) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < rate * scale)

    def any_parameter() -> str:
        return VALUE_COLUMNS[rng.integers(len(VALUE_COLUMNS))]

    for i in pick():
        p = any_parameter()
        values[p][i] = np.round(values[p][i] * rng.uniform(5, 10), 3)
        log.append(("spike", int(i), p))
    for i in pick(0.3):
        p = any_parameter()
        run = np.flatnonzero((codes == codes[i]) & (ts >= ts[i]))[:STUCK_READINGS]
        values[p][run] = values[p][i]
        log.extend(("stuck", int(j), p) for j in run)
    for i in pick():
        p = any_parameter()
        values[p][i] = -float(rng.integers(1, 6))
        log.append(("negative", int(i), p))
    for i in pick(0.5):
        p = any_parameter()
        values[p][i] = -999.0
        log.append(("sentinel", int(i), p))
    for i in pick():
        values["ammonia_nitrogen"][i] = np.round(values["total_nitrogen"][i] * rng.uniform(1.1, 1.5), 3)
        log.append(("nh3_gt_tn", int(i), "ammonia_nitrogen"))

    faulty = data.with_columns(pl.Series(c, values[c]) for c in VALUE_COLUMNS)
    missing = pick()
    log.extend(("missing", int(i), None) for i in missing)
    # The readings of this day that tomorrow's batch carries late are missing from today's.
    tomorrow = np.random.default_rng([config.seed, (day + dt.timedelta(days=1)).toordinal(), 199]).random(n) < rate
    dropped = np.zeros(n, bool)
    dropped[missing] = True
    delivered = faulty.filter(~pl.Series(dropped | tomorrow))

    dupes = pick()
    log.extend(("duplicate", int(i), None) for i in dupes)
    exact = faulty.filter(pl.col("_i").is_in(dupes[::2].tolist()))
    conflicting = faulty.filter(pl.col("_i").is_in(dupes[1::2].tolist())).with_columns(pl.col("codmn") + 0.5)
    out = pl.concat([delivered, exact, conflicting]).drop("_i").vstack(late.select(clean.columns))
    kinds, rows, params = zip(*log) if log else ((), (), ())
    faults = pl.concat(
        [
            pl.DataFrame(
                {"kind": list(kinds), "parameter": list(params)}, schema={"kind": pl.String, "parameter": pl.String}
            ).with_columns(data.select("section_code", "ts")[list(rows)]),
            late.select(pl.lit("late").alias("kind"), pl.lit(None, pl.String).alias("parameter"), "section_code", "ts"),
        ]
    ).select("kind", "section_code", "ts", "parameter")
    return out, faults
