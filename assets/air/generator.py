"""Embedded air-quality generator: the default, offline source.

Deterministic for a seed: a day's batch depends only on (seed, day, catalog, fault rate), never on the window it
is generated in, so any partition can be regenerated alone. Values are smooth functions of time (seasonal and
diurnal cycles, sums of sinusoids with per-station phases) multiplied by regional episodes that cover several
areas of both provinces at once; faults are injected afterwards at a low rate (see ``air_faults``).

Magnitudes follow the Sichuan basin: winter PM2.5 around 60-90 ug/m3 with episodes above 150-250, summer
afternoon ozone peaks of 160-220 ug/m3, NO2 rush-hour peaks, SO2 below 15, CO near 1 mg/m3 in winter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from assets.air.faults import inject_faults, late_rows_for

POLLUTANTS = ("pm25", "pm10", "so2", "no2", "o3", "co")
EPOCH = dt.datetime(2000, 1, 1)
#                       Jan  Feb  Mar  Apr  May  Jun  Jul  Aug  Sep  Oct  Nov  Dec
PM25_BY_MONTH = np.array([68, 55, 42, 34, 28, 22, 20, 21, 24, 33, 48, 62], float)
O3_PEAK_BY_MONTH = np.array([55, 75, 105, 135, 165, 170, 175, 165, 140, 100, 70, 55], float)
NO2_BY_MONTH = np.array([36, 30, 28, 25, 22, 20, 19, 20, 23, 28, 33, 37], float)
CO_BY_MONTH = np.array([1.0, 0.9, 0.8, 0.7, 0.6, 0.6, 0.55, 0.55, 0.6, 0.7, 0.85, 0.95])


@dataclass(frozen=True)
class GeneratorConfig:
    seed: int = 2023
    fault_rate: float = 0.003


def natural_day_hours(day: dt.date) -> list[dt.datetime]:
    """The 24 hourly labels of a natural day: D 01:00 ... D+1 00:00 (label = end of the averaging hour)."""
    start = dt.datetime.combine(day, dt.time(1))
    return [start + dt.timedelta(hours=h) for h in range(24)]


def generate_air_day(
    stations: pl.DataFrame, day: dt.date, config: GeneratorConfig = GeneratorConfig()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One natural day of hourly readings for every station: (rows as delivered, log of injected faults)."""
    clean = _clean_day(stations, day, config.seed)
    # Rows of yesterday that this day's delivery carries late (and that yesterday's delivery lacked).
    late = late_rows_for(stations, day, config, _clean_day)
    return inject_faults(clean, late, day, config)


def _clean_day(stations: pl.DataFrame, day: dt.date, seed: int) -> pl.DataFrame:
    codes = stations["code"].to_list()
    lon = stations["lon"].to_numpy()
    lat = stations["lat"].to_numpy()
    hours = natural_day_hours(day)
    t = np.array([(h - EPOCH).total_seconds() / 3600 for h in hours])  # hours since epoch, shape (24,)
    hour_of_day = np.array([h.hour for h in hours], float)
    month_pos = _month_position(hours)  # fractional month index, for smooth seasonal interpolation

    pm_episode = _episode_factor(seed, t, lon, lat, kind="pm")  # (24, n)
    o3_episode = _episode_factor(seed, t, lon, lat, kind="o3")
    local = {p: _smooth_noise(seed, codes, t, p) for p in POLLUTANTS}  # (24, n) each, around 1
    rng = np.random.default_rng([seed, day.toordinal(), 17])
    white = lambda scale: np.exp(rng.normal(0.0, scale, (len(t), len(codes))))  # noqa: E731

    seasonal = lambda table: np.interp(month_pos, np.arange(13), np.append(table, table[0]))[:, None]  # noqa: E731
    diurnal_pm = (
        1 + 0.15 * np.cos(2 * np.pi * (hour_of_day - 9) / 24) + 0.08 * np.cos(4 * np.pi * (hour_of_day - 22) / 24)
    )
    pm25 = seasonal(PM25_BY_MONTH) * diurnal_pm[:, None] * pm_episode * local["pm25"] * white(0.08)

    winter = np.clip(np.cos(2 * np.pi * month_pos / 12), 0, 1)[:, None]  # 1 in January, 0 from April to October
    pm_ratio = np.clip((0.58 + 0.18 * winter) * local["pm10"] ** 0.5 * white(0.05), 0.35, 0.9)
    pm10 = pm25 / pm_ratio

    daylight = np.clip(np.sin(np.pi * (hour_of_day - 8) / 14), 0, None) ** 1.4  # peaks mid-afternoon
    o3_shape = 0.22 + 0.78 * daylight
    o3 = seasonal(O3_PEAK_BY_MONTH) * o3_shape[:, None] * o3_episode * local["o3"] * white(0.07) / pm_episode**0.3

    rush = 1 + 0.25 * np.exp(-((hour_of_day - 8.5) ** 2) / 3) + 0.3 * np.exp(-((hour_of_day - 20) ** 2) / 4)
    no2 = (
        seasonal(NO2_BY_MONTH)
        * rush[:, None]
        * (1 - 0.35 * daylight[:, None])
        * pm_episode**0.4
        * local["no2"]
        * white(0.1)
    )
    so2 = (7 + 4 * winter) * pm_episode**0.3 * local["so2"] * white(0.12)
    co = seasonal(CO_BY_MONTH) * pm_episode**0.35 * local["co"] * white(0.06)

    n = len(codes)
    return pl.DataFrame(
        {
            "station_code": np.tile(np.array(codes, dtype=str), 24),
            "ts": np.repeat(np.array(hours, dtype="datetime64[us]"), n),
            "pm25": np.round(pm25).ravel(),
            "pm10": np.round(pm10).ravel(),
            "so2": np.round(so2).ravel(),
            "no2": np.round(no2).ravel(),
            "o3": np.round(o3).ravel(),
            "co": np.round(co, 1).ravel(),
        }
    )


def _month_position(hours: list[dt.datetime]) -> np.ndarray:
    """0.0 at mid-January ... 11.0 at mid-December (interpolation nodes are mid-month)."""
    return np.array([(h.month - 1) + (h.day - 15) / 30.5 for h in hours]) % 12


def _station_seed(seed: int, code: str, what: str) -> list[int]:
    digest = hashlib.sha256(f"{code}:{what}".encode()).digest()
    return [seed, int.from_bytes(digest[:8], "little")]


def _smooth_noise(seed: int, codes: list[str], t: np.ndarray, what: str) -> np.ndarray:
    """Multiplicative noise around 1, continuous in time: per-station sums of sinusoids (periods 5 h to 9 days)."""
    periods = np.array([5.3, 11.7, 27.1, 61.0, 131.0, 217.0])
    out = np.empty((len(t), len(codes)))
    for j, code in enumerate(codes):
        rng = np.random.default_rng(_station_seed(seed, code, what))
        level = rng.normal(0, 0.12)  # a station's own level (traffic site, background site...)
        phase = rng.uniform(0, 2 * np.pi, len(periods))
        amp = rng.uniform(0.04, 0.12, len(periods))
        out[:, j] = level + (amp * np.sin(2 * np.pi * t[:, None] / periods + phase)).sum(axis=1)
    return np.exp(out)


def _episode_factor(seed: int, t: np.ndarray, lon: np.ndarray, lat: np.ndarray, kind: str) -> np.ndarray:
    """Regional episodes: a smooth bump in time, a wide bump in space (so several areas rise together)."""
    factor = np.ones((len(t), len(lon)))
    year = (EPOCH + dt.timedelta(hours=float(t[0]))).year
    for y in (year - 1, year):
        for start, duration, amplitude, clon, clat, radius in _episodes(seed, y, kind):
            phase = (t - start) / duration
            envelope = np.where((phase > 0) & (phase < 1), np.sin(np.pi * np.clip(phase, 0, 1)) ** 2, 0.0)
            if not envelope.any():
                continue
            dist_km = np.hypot((lon - clon) * 97.0, (lat - clat) * 111.0)
            spatial = np.exp(-((dist_km / radius) ** 2))
            factor += amplitude * envelope[:, None] * spatial[None, :]
    return factor


def _episodes(seed: int, year: int, kind: str) -> list[tuple[float, float, float, float, float, float]]:
    """The year's episodes: (start hour since epoch, duration h, amplitude, centre lon, centre lat, radius km)."""
    rng = np.random.default_rng([seed, year, 1 if kind == "pm" else 2])
    season = [(11, 1), (12, 1), (1, 1), (2, 1)] if kind == "pm" else [(5, 1), (6, 1), (7, 1), (8, 1)]
    episodes = []
    for month, _ in season:
        for _ in range(rng.integers(2, 4)):
            start = dt.datetime(year, month, 1) + dt.timedelta(hours=float(rng.uniform(0, 28 * 24)))
            duration = rng.uniform(60, 150) if kind == "pm" else rng.uniform(48, 110)
            amplitude = rng.uniform(1.0, 3.2) if kind == "pm" else rng.uniform(0.25, 0.55)
            episodes.append(
                (
                    (start - EPOCH).total_seconds() / 3600,
                    duration,
                    amplitude,
                    rng.uniform(104.9, 106.1),
                    rng.uniform(29.0, 29.6),
                    rng.uniform(90, 220),
                )
            )
    return episodes
