"""The embedded generator: deterministic, realistic for the region, and with every fault kind real feeds have."""

import datetime as dt

import polars as pl

from assets.air.faults import FAULT_KINDS
from assets.air.generator import GeneratorConfig, generate_air_day
from assets.catalog.stations import active_stations, load_station_catalog
from tests.conftest import need_shared_data

CATALOG = load_station_catalog()
STATIONS = active_stations(CATALOG)


def test_same_seed_same_data_whatever_the_window():
    day = dt.date(2026, 1, 12)
    a, fa = generate_air_day(STATIONS, day, GeneratorConfig(seed=7))
    b, fb = generate_air_day(STATIONS, day, GeneratorConfig(seed=7))
    assert a.equals(b) and fa.equals(fb)
    c, _ = generate_air_day(STATIONS, day, GeneratorConfig(seed=8))
    assert not a.equals(c)


def test_every_fault_kind_occurs_and_is_visible_in_the_data():
    config = GeneratorConfig(seed=1, fault_rate=0.02)
    days = [dt.date(2026, 1, 10) + dt.timedelta(days=i) for i in range(3)]
    batches = [generate_air_day(STATIONS, d, config) for d in days]
    faults = pl.concat([f for _, f in batches])
    assert set(faults["kind"].unique()) == set(FAULT_KINDS)

    rows = batches[1][0]
    day = days[1]
    assert rows.filter(pl.any_horizontal(pl.col("pm25", "pm10", "so2", "no2", "o3", "co") == -999)).height > 0
    assert (
        rows.filter(pl.any_horizontal(pl.col("pm25", "pm10", "so2", "no2", "o3", "co").is_between(-5, -1))).height > 0
    )
    assert rows.filter(pl.col("pm25") > pl.col("pm10")).height > 0
    assert rows.filter(pl.struct("station_code", "ts").is_duplicated()).height > 0
    assert rows.filter(pl.col("ts").dt.date() < day).height > 0  # late rows of yesterday
    expected = len(STATIONS) * 24
    in_day = rows.filter(pl.col("ts") > dt.datetime.combine(day, dt.time(0))).unique(["station_code", "ts"])
    assert in_day.height < expected  # missing hours
    # a late row is missing from its own day's batch and present in the next one
    late = batches[1][1].filter(pl.col("kind") == "late").row(0, named=True)
    own_day = batches[0][0]
    assert own_day.filter((pl.col("station_code") == late["station_code"]) & (pl.col("ts") == late["ts"])).height == 0


def test_plausible_relations_and_seasons():
    winter = pl.concat(
        [generate_air_day(STATIONS, dt.date(2026, 1, d), GeneratorConfig(fault_rate=0))[0] for d in range(5, 12)]
    )
    summer = pl.concat(
        [generate_air_day(STATIONS, dt.date(2026, 7, d), GeneratorConfig(fault_rate=0))[0] for d in range(5, 12)]
    )
    assert (winter["pm25"] <= winter["pm10"]).mean() > 0.97
    assert winter["pm25"].mean() > 2 * summer["pm25"].mean()
    afternoon = summer.filter(pl.col("ts").dt.hour().is_between(13, 17))["o3"].mean()
    night = summer.filter(pl.col("ts").dt.hour().is_between(1, 5))["o3"].mean()
    assert afternoon > 2.5 * night and afternoon > 120
    assert winter["co"].max() < 5 and summer["so2"].max() < 60


def test_regional_episode_spans_areas_of_both_provinces():
    """Over a winter, some day has daily PM2.5 > 115 (heavy) in at least 3 areas including both provinces."""
    frames = [
        generate_air_day(STATIONS, dt.date(2026, 1, 1) + dt.timedelta(days=i), GeneratorConfig(fault_rate=0))[0]
        for i in range(59)
    ]
    daily = (
        pl.concat(frames)
        .join(CATALOG.select(pl.col("code").alias("station_code"), "area", "province"), on="station_code")
        .group_by(pl.col("ts").dt.offset_by("-1h").dt.date().alias("day"), "area", "province")
        .agg(pl.col("pm25").mean())
        .filter(pl.col("pm25") > 115)
        .group_by("day")
        .agg(pl.col("area").n_unique().alias("areas"), pl.col("province").n_unique().alias("provinces"))
    )
    assert daily.filter((pl.col("areas") >= 3) & (pl.col("provinces") == 2)).height > 0


def test_same_order_of_magnitude_as_the_real_january_2023_days():
    cnemc = need_shared_data("china_sites_20230120.csv")
    codes = CATALOG["code"].to_list()
    real = []
    for day in range(20, 24):
        raw = pl.read_csv(cnemc / f"china_sites_202301{day}.csv", infer_schema=False)
        present = [c for c in codes if c in raw.columns]
        real.append(raw.select("type", *present).unpivot(index="type", on=present, variable_name="code"))
    real_means = (
        pl.concat(real)
        .filter((pl.col("type") == "PM2.5") & (pl.col("value") != ""))
        .join(CATALOG.select("code", "area"), on="code")
        .group_by("area")
        .agg(pl.col("value").cast(pl.Float64).mean().alias("real"))
    )
    generated = pl.concat([generate_air_day(STATIONS, dt.date(2023, 1, d))[0] for d in range(20, 24)])
    gen_means = (
        generated.filter(pl.col("pm25") >= 0)
        .join(CATALOG.select(pl.col("code").alias("station_code"), "area"), on="station_code")
        .group_by("area")
        .agg(pl.col("pm25").mean().alias("generated"))
    )
    both = real_means.join(gen_means, on="area")
    assert both.height == 10
    ratio = both["generated"] / both["real"]
    assert ratio.min() > 1 / 3 and ratio.max() < 3, both
