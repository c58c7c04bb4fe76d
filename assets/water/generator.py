"""Embedded river water-quality generator: the default, offline source of 4-hourly section readings.

Deterministic for a seed: a day's batch depends only on (seed, day, catalog, fault rate). Readings are labelled
04:00, 08:00, ... 20:00 of day D and 00:00 of D+1 (the natural day of the project, like the air data).

What it models, with magnitudes of the Sichuan basin's small rivers:
- seasonal water temperature (about 9 C in January, 27 C in August) and dissolved oxygen from the saturation
  curve (less oxygen in warm water), with daytime photosynthesis raising DO and pH;
- regional rain events that raise turbidity and total phosphorus (runoff) and dilute conductivity;
- each section's own pollution load (per-section factor from the seed), so that some sections sit near their
  target class and exceed it in wet or warm spells;
- pollution incidents (sewage discharges) that start at one section and travel downstream with the catalog's
  travel times, attenuated and spread at each section: ammonia, CODMn and TP up, DO down.
Faults are injected afterwards at a low rate (``assets.water.faults``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from assets.water.faults import inject_faults, late_rows_for
from assets.water.sections import upstream_lags

EPOCH = dt.datetime(2000, 1, 1)
READING_HOURS = (4, 8, 12, 16, 20, 24)  # 24 = 00:00 of the next day, the end of the natural day
# Typical levels of a class III target river, scaled per section; (CODMn, NH3-N, TP) in mg/L.
BASE_CODMN, BASE_NH3, BASE_TP = 3.6, 0.45, 0.115
#                          Jan  Feb  Mar  Apr  May  Jun  Jul  Aug  Sep  Oct  Nov  Dec
RAIN_EVENTS_PER_MONTH = [1, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1]
# Sections are kept near their target: a class II reach (the 长江) carries about half the load of a class III one.
TARGET_LOAD = {"I": 0.3, "II": 0.55, "III": 1.0, "IV": 1.35, "V": 1.7, "劣V": 2.2}


@dataclass(frozen=True)
class WaterGeneratorConfig:
    seed: int = 2023
    fault_rate: float = 0.003


def reading_times(day: dt.date) -> list[dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0))
    return [start + dt.timedelta(hours=h) for h in READING_HOURS]


def generate_water_day(
    sections: pl.DataFrame, day: dt.date, config: WaterGeneratorConfig = WaterGeneratorConfig()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One natural day of 4-hourly readings for every section: (rows as delivered, log of injected faults)."""
    clean = clean_water_day(sections, day, config.seed)
    late = late_rows_for(sections, day, config, clean_water_day)
    return inject_faults(clean, late, day, config)


def clean_water_day(sections: pl.DataFrame, day: dt.date, seed: int) -> pl.DataFrame:
    codes = sections["section_code"].to_list()
    times = reading_times(day)
    t = np.array([(x - EPOCH).total_seconds() / 3600 for x in times])[:, None]  # (6, 1) hours since epoch
    hour = np.array([x.hour for x in times], float)[:, None]
    month_pos = np.array([(x.month - 1) + (x.day - 15) / 30.5 for x in times])[:, None] % 12
    shape = (len(times), len(codes))
    level = {p: _section_factor(seed, codes, p) for p in ("load", "temp", "cond", "turb", "ph")}
    wobble = {p: _smooth(seed, codes, t, p) for p in ("codmn", "nh3", "tp", "do", "cond")}
    rng = np.random.default_rng([seed, day.toordinal(), 23])
    noise = lambda scale: np.exp(rng.normal(0.0, scale, shape))  # noqa: E731

    daylight = np.clip(np.sin(np.pi * (hour - 7) / 12), 0, None)  # 0 at night, 1 at 13:00
    temp = 17.5 + 9.5 * np.cos(2 * np.pi * (month_pos - 6.8) / 12) + 0.8 * daylight + 1.5 * (level["temp"] - 1)
    rain = _rain_index(seed, t, sections)  # (6, n), 0 when dry, ~1 in a heavy event
    incident = _incident_factor(seed, t, sections)  # (6, n), 1 when none
    target = sections["target_class"].replace_strict(TARGET_LOAD, default=1.0).to_numpy()
    load = (level["load"] * target)[None, :]

    codmn = BASE_CODMN * load * wobble["codmn"] * (1 + 0.35 * rain) * incident**0.5 * noise(0.05)
    nh3 = BASE_NH3 * load**1.3 * wobble["nh3"] * (1 + 0.6 * (temp < 12)) * incident * noise(0.08)
    tp = BASE_TP * load**1.2 * wobble["tp"] * (1 + 1.4 * rain) * incident**0.6 * noise(0.06)
    tn = nh3 + (1.1 + 0.8 * load) * (1 + 0.4 * rain) * noise(0.05)  # nitrate and organic N on top of NH3-N
    saturation = 14.652 - 0.41022 * temp + 0.007991 * temp**2 - 0.000077774 * temp**3
    do = saturation * (0.93 - 0.12 * (level["load"] - 1) + 0.1 * daylight) * wobble["do"] / incident**0.25 * noise(0.03)
    ph = 7.6 + 0.3 * daylight + 0.3 * (level["ph"] - 1) - 0.1 * rain + rng.normal(0, 0.04, shape)
    conductivity = 430 * level["cond"] * wobble["cond"] / (1 + 0.5 * rain)
    turbidity = 14 * level["turb"] * (1 + 7 * rain) * noise(0.15)

    n = len(codes)
    columns = {
        "water_temp": (temp, 1),
        "ph": (ph, 2),
        "dissolved_oxygen": (do, 2),
        "conductivity": (conductivity, 0),
        "turbidity": (turbidity, 1),
        "codmn": (codmn, 1),
        "ammonia_nitrogen": (nh3, 3),
        "total_phosphorus": (tp, 3),
        "total_nitrogen": (tn, 2),
    }
    return pl.DataFrame(
        {
            "section_code": np.tile(np.array(codes, dtype=str), len(times)),
            "ts": np.repeat(np.array(times, dtype="datetime64[us]"), n),
            **{name: np.round(np.broadcast_to(v, shape), d).ravel() for name, (v, d) in columns.items()},
        }
    )


def _digest(seed: int, *parts: object) -> list[int]:
    return [seed, int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "little")]


def _section_factor(seed: int, codes: list[str], what: str) -> np.ndarray:
    """A section's own level around 1 (a town's sewage, a clear mountain reach...), fixed for a seed."""
    spread = {"load": 0.35, "temp": 0.4, "cond": 0.25, "turb": 0.4, "ph": 0.3}[what]
    return np.array([1 + spread * np.random.default_rng(_digest(seed, c, what)).uniform(-1, 1) for c in codes])


def _smooth(seed: int, codes: list[str], t: np.ndarray, what: str) -> np.ndarray:
    """Slow multiplicative variation around 1, continuous in time (periods of 1.5 to 20 days)."""
    periods = np.array([37.0, 91.0, 213.0, 480.0])
    out = np.empty((t.shape[0], len(codes)))
    for j, code in enumerate(codes):
        rng = np.random.default_rng(_digest(seed, code, what, "smooth"))
        phase, amp = rng.uniform(0, 2 * np.pi, 4), rng.uniform(0.03, 0.1, 4)
        out[:, j] = (amp * np.sin(2 * np.pi * t / periods + phase)).sum(axis=1)
    return np.exp(out)


def _events_of_year(seed: int, year: int, what: str) -> np.random.Generator:
    return np.random.default_rng(_digest(seed, year, what))


def _rain_index(seed: int, t: np.ndarray, sections: pl.DataFrame) -> np.ndarray:
    lon, lat = sections["lon"].to_numpy(), sections["lat"].to_numpy()
    out = np.zeros((t.shape[0], len(lon)))
    year = (EPOCH + dt.timedelta(hours=float(t[0, 0]))).year
    for y in (year - 1, year):
        rng = _events_of_year(seed, y, "rain")
        for month, count in enumerate(RAIN_EVENTS_PER_MONTH, start=1):
            first = (dt.datetime(y, month, 1) - EPOCH).total_seconds() / 3600
            for _ in range(count):
                start, rain_h = first + rng.uniform(0, 28 * 24), rng.uniform(6, 36)
                strength, clon, clat, radius = (
                    rng.uniform(0.3, 1.3),
                    rng.uniform(104.6, 106.3),
                    rng.uniform(28.7, 29.8),
                    rng.uniform(50, 150),
                )
                phase = (t - start) / (rain_h + 36)  # runoff keeps rivers turbid for a day or two after the rain
                envelope = np.where((phase > 0) & (phase < 1), np.sin(np.pi * np.clip(phase, 0, 1) ** 0.6), 0.0)
                spatial = np.exp(-((np.hypot((lon - clon) * 97, (lat - clat) * 111) / radius) ** 2))
                out += strength * envelope * spatial[None, :]
    return out


def _incident_factor(seed: int, t: np.ndarray, sections: pl.DataFrame) -> np.ndarray:
    """Sewage incidents: start at a section, reach each downstream section after the summed travel times."""
    codes = sections["section_code"].to_list()
    column = {c: j for j, c in enumerate(codes)}
    lags = upstream_lags(sections)
    downstream = {code: [] for code in codes}  # source -> its (section, lag, hops): looked up ~150 times a call
    for source, code, lag, hops in lags.select("source_code", "section_code", "lag_hours", "hops").iter_rows():
        downstream.setdefault(source, []).append((code, lag, hops))
    out = np.ones((t.shape[0], len(codes)))
    year = (EPOCH + dt.timedelta(hours=float(t[0, 0]))).year
    for y in (year - 1, year):
        rng = _events_of_year(seed, y, "incident")
        first = (dt.datetime(y, 1, 1) - EPOCH).total_seconds() / 3600
        for _ in range(3 * len(codes)):  # about three incidents per section and year
            source, start = codes[rng.integers(len(codes))], first + rng.uniform(0, 365 * 24)
            duration, magnitude = rng.uniform(6, 20), rng.uniform(2.5, 7)
            for code, lag, hops in downstream[source]:
                spread = duration * (1 + 0.25 * hops)  # dispersion lengthens and flattens the plume downstream
                phase = (t[:, 0] - start - lag) / spread
                bump = np.where((phase > 0) & (phase < 1), np.sin(np.pi * np.clip(phase, 0, 1)) ** 2, 0.0)
                out[:, column[code]] *= 1 + (magnitude - 1) * 0.7**hops * bump
    return out
