"""Faults that real feeds have, injected into the generator's clean data at a low configurable rate.

Kinds: missing hours, spikes, stuck values, negative and sentinel (-999) values, PM2.5 > PM10, duplicated rows
(exact and conflicting) and late rows (an hour of yesterday delivered with today's batch instead of yesterday's).
Every injected fault is logged (kind, station, time, pollutant) so tests can find it in the delivered data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

FAULT_KINDS = ("missing", "spike", "stuck", "negative", "sentinel", "pm25_gt_pm10", "duplicate", "late")
VALUE_COLUMNS = ("pm25", "pm10", "so2", "no2", "o3", "co")
STUCK_HOURS = 8


def late_rows_for(stations: pl.DataFrame, day: dt.date, config, clean_day: Callable) -> pl.DataFrame:
    """Rows of ``day - 1`` that are delivered late, with ``day``'s batch (chosen by ``day``'s random stream)."""
    yesterday = clean_day(stations, day - dt.timedelta(days=1), config.seed)
    rng = np.random.default_rng([config.seed, day.toordinal(), 99])
    pick = rng.random(yesterday.height) < config.fault_rate
    return yesterday.filter(pl.Series(pick))


def inject_faults(clean: pl.DataFrame, late: pl.DataFrame, day: dt.date, config) -> tuple[pl.DataFrame, pl.DataFrame]:
    rate = config.fault_rate
    rng = np.random.default_rng([config.seed, day.toordinal(), 7])
    data = clean.with_row_index("_i")
    n = data.height
    log: list[tuple[str, int, str | None]] = []  # (kind, row index in ``data``, pollutant)
    values = {c: data[c].to_numpy().copy() for c in VALUE_COLUMNS}
    codes = data["station_code"].to_numpy()
    ts = data["ts"].to_numpy()  # for the stuck runs: the same station, from this hour on

    def pick(scale: float = 1.0) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < rate * scale)

    def note(kind: str, rows: np.ndarray, pollutant: str | None) -> None:
        log.extend((kind, int(i), pollutant) for i in rows)

    for i in pick():
        p = VALUE_COLUMNS[rng.integers(len(VALUE_COLUMNS))]
        values[p][i] = np.round(values[p][i] * rng.uniform(5, 10), 1 if p == "co" else 0)
        note("spike", [i], p)
    for i in pick(0.3):
        p = VALUE_COLUMNS[rng.integers(len(VALUE_COLUMNS))]
        same_station = np.flatnonzero((codes == codes[i]) & (ts >= ts[i]))[:STUCK_HOURS]
        values[p][same_station] = values[p][i]
        note("stuck", same_station, p)
    for i in pick():
        p = VALUE_COLUMNS[rng.integers(len(VALUE_COLUMNS))]
        values[p][i] = -float(rng.integers(1, 6))
        note("negative", [i], p)
    for i in pick(0.5):
        p = VALUE_COLUMNS[rng.integers(len(VALUE_COLUMNS))]
        values[p][i] = -999.0
        note("sentinel", [i], p)
    for i in pick():
        values["pm25"][i] = np.round(values["pm10"][i] * rng.uniform(1.1, 1.4))
        note("pm25_gt_pm10", [i], "pm25")

    faulty = data.with_columns(pl.Series(c, values[c]) for c in VALUE_COLUMNS)
    missing = pick()
    note("missing", missing, None)
    # The rows of this day that tomorrow's batch will carry late are missing from today's.
    tomorrow_late = np.random.default_rng([config.seed, (day + dt.timedelta(days=1)).toordinal(), 99]).random(n) < rate
    dropped = np.zeros(n, bool)
    dropped[missing] = True
    dropped |= tomorrow_late
    delivered = faulty.filter(~pl.Series(dropped))

    dupes = pick()
    note("duplicate", dupes, None)
    exact = faulty.filter(pl.col("_i").is_in(dupes[::2].tolist()))
    conflicting = faulty.filter(pl.col("_i").is_in(dupes[1::2].tolist())).with_columns(pl.col("pm25") + 3)
    out = pl.concat([delivered, exact, conflicting]).drop("_i").vstack(late.select(clean.columns))
    kinds, rows, pollutants = zip(*log) if log else ((), (), ())
    faults = pl.concat(
        [
            pl.DataFrame(
                {"kind": list(kinds), "pollutant": list(pollutants)}, schema={"kind": pl.String, "pollutant": pl.String}
            ).with_columns(data.select("station_code", "ts")[list(rows)]),
            late.select(pl.lit("late").alias("kind"), pl.lit(None, pl.String).alias("pollutant"), "station_code", "ts"),
        ]
    ).select("kind", "station_code", "ts", "pollutant")
    return out, faults
