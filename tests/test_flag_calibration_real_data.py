"""The invalidating value flags against the national platform, on the four real national days with the national
catalog (../shared/data/cnemc_air; skipped where it is absent). An automatic flag that invalidates must be as sure
as the platform's own real-time check: it may invalidate at most 0.01 % of the station-hours the platform published
an AQI for, and our hourly AQI must equal the published one on >= 99.99 % of them. The readings go through the
production path (archive adapter, validation layer with every flag, staging, the AQI models); the figures are in
docs/validation.md."""

import datetime as dt

import duckdb
import polars as pl
import pytest

from assets.air.ingest import ingest_air_batch
from assets.air.sources import SourceOptions, get_air_source
from assets.catalog.stations import load_station_catalog
from assets.quality.specs import AIR_HOURLY
from assets.quality.value_flags import value_flags
from assets.sql_models.build import build_project
from tests.conftest import need_shared_data
from warehouse.schema import ensure_schema

DAYS = [dt.date(2023, 1, 20) + dt.timedelta(days=i) for i in range(4)]
MAX_INVALIDATED_SHARE = 0.0001  # 0.01 %
MIN_AQI_MATCH = 0.9999


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    folder = need_shared_data(*(f"china_sites_{d:%Y%m%d}.csv" for d in DAYS), "stations_national_2018.csv")
    catalog = load_station_catalog(folder / "stations_national_2018.csv")
    con = duckdb.connect()
    ensure_schema(con)
    raw = tmp_path_factory.mktemp("raw")
    source = get_air_source("archive")
    for day in DAYS:  # day by day, as the daily job: each day's flags see the days before it
        batch = source(day, catalog, SourceOptions(input_path=str(folder)))
        ingest_air_batch(con, raw, "archive", day, batch, catalog["code"], dt.datetime(2023, 2, 1))
    con.register("_catalog", catalog.to_arrow())
    con.execute("CREATE OR REPLACE TABLE seeds.stations AS SELECT * FROM _catalog")
    build_project(con, ["marts.air_hourly_aqi"], skip_seeds=("stations",))
    yield con
    con.close()


def published_hours(con) -> pl.DataFrame:
    """Every station-hour the platform published an AQI for, with its flags and our AQI."""
    return con.sql("""
        SELECT p.station_code, p.ts, p.aqi AS published, a.aqi,
               coalesce(bool_or(q.invalidates), false) AS invalidated,
               list(f.flag_code) FILTER (WHERE f.flag_code IS NOT NULL) AS flags
        FROM staging.air_hourly_published AS p
        LEFT JOIN marts.air_hourly_aqi AS a USING (station_code, ts)
        LEFT JOIN staging.air_value_flags AS f USING (station_code, ts)
        LEFT JOIN seeds.quality_flags AS q USING (flag_code)
        WHERE p.aqi IS NOT NULL
        GROUP BY ALL""").pl()


def test_invalidating_flags_hit_at_most_0_01_percent_of_the_published_station_hours(national):
    hours = published_hours(national)
    assert hours.height > 118_000  # the national catalog's stations over four days
    invalidated = hours.filter("invalidated")
    assert invalidated.height / hours.height <= MAX_INVALIDATED_SHARE, invalidated
    # the suspect flags still show staff what they used to invalidate, and the values stay in the statistics
    codes = hours.explode("flags")["flags"].value_counts().rows()
    counts = dict(codes)
    assert counts.get("STS", 0) > 100 and counts.get("SPS", 0) > 50 and counts.get("PMR", 0) > 1000, counts
    suspect = hours.filter(pl.col("flags").list.len() > 0)
    assert suspect["aqi"].null_count() == 0 and (suspect["aqi"] == suspect["published"]).all()


def test_hourly_aqi_equals_the_published_value_on_99_99_percent_of_national_station_hours(national):
    hours = published_hours(national)
    matched = hours.filter(pl.col("aqi") == pl.col("published")).height
    assert matched / hours.height >= MIN_AQI_MATCH, hours.filter(pl.col("aqi") != pl.col("published"))


def test_the_invalidating_tiers_still_catch_real_faults_in_real_series(national):
    """Faults put into a real station's real day: a value frozen for a day, a sentinel, an implausible value."""
    rows = national.sql(
        "SELECT station_code, ts, pm25, pm10, so2, no2, o3, co FROM staging.air_hourly "
        "WHERE station_code = '1001A' ORDER BY ts"
    ).pl()
    frozen = rows.with_columns(
        pm10=pl.when(pl.col("ts").is_between(dt.datetime(2023, 1, 21, 1), dt.datetime(2023, 1, 22, 6)))
        .then(pl.lit(87.0))
        .otherwise("pm10"),  # 30 hours of one value: the analyser froze
        so2=pl.when(pl.col("ts") == dt.datetime(2023, 1, 22, 9)).then(pl.lit(-999.0)).otherwise("so2"),
        pm25=pl.when(pl.col("ts") == dt.datetime(2023, 1, 22, 12)).then(pl.lit(2500.0)).otherwise("pm25"),
    )
    flags = value_flags(AIR_HOURLY, frozen)
    by_code = {code: frame for (code,), frame in flags.group_by("flag_code")}
    assert by_code["STK"].height == 30 and set(by_code["STK"]["parameter"]) == {"pm10"}
    assert by_code["SEN"].rows() == [("1001A", dt.datetime(2023, 1, 22, 9), "so2", "SEN")]
    assert by_code["RNG"].rows() == [("1001A", dt.datetime(2023, 1, 22, 12), "pm25", "RNG")]
    assert value_flags(AIR_HOURLY, rows).filter(pl.col("flag_code").is_in(["STK", "SEN", "RNG"])).height == 0
