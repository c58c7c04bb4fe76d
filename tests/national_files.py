"""Test helper: a national archive file (date,hour,type,<station>...) as tidy station-hours, through the shared
file reader. Kept minimal on purpose; the production archive adapter belongs to the air sources."""

import polars as pl

from assets.ingest.files import parse_numbers, read_tabular
from assets.quality.specs import AIR_HOURLY

TYPES = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "O3": "o3", "CO": "co", "AQI": "aqi"}


def tidy_national(path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(station-hours with aqi, parse problems). A station-hour with no published value at all is not a row;
    a (date, hour, type) line delivered twice gives a second copy of its station-hours (a duplicate)."""
    wide = read_tabular(path, with_row_numbers=True)
    stations = [c for c in wide.columns if c not in ("date", "hour", "type", "_row")]
    numbers, problems = parse_numbers(wide.filter(pl.col("type").is_in(list(TYPES))), stations, path)
    long = (
        numbers.with_columns(copy=pl.int_range(pl.len()).over("date", "hour", "type"))
        .unpivot(index=["date", "hour", "type", "copy"], on=stations, variable_name="station_code")
        .with_columns(
            ts=pl.col("date").str.to_datetime("%Y%m%d") + pl.duration(hours=pl.col("hour").cast(pl.Int64)),
            type=pl.col("type").replace_strict(TYPES),
        )
    )
    published = long.group_by("station_code", "ts", "copy").agg(pl.col("value").is_not_null().any().alias("any"))
    tidy = (
        long.pivot(on="type", index=["station_code", "ts", "copy"], values="value")
        .join(published.filter("any"), on=["station_code", "ts", "copy"], how="semi")
        .sort("copy", "station_code", "ts")
    )
    for col in [*AIR_HOURLY.values, "aqi"]:
        if col not in tidy.columns:
            tidy = tidy.with_columns(pl.lit(None, pl.Float64).alias(col))
    return tidy.select("station_code", "ts", *AIR_HOURLY.values, "aqi").cast(AIR_HOURLY.schema), problems
