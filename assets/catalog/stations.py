"""The air station catalog: the region's 30 national stations by default, any CSV with at least
``code,name,city,lon,lat`` (such as the 1,495-station national list) when configured.

The columns (required, optional, their defaults) are documented in docs/sources.md, "Station catalogs". The
region's own list (``stations_region.csv``: ``city_in_list``, ``is_control``, ``target_area``, ``district_note``)
is read as it is (``LAYOUT_ALIASES``). Whatever catalog is configured, the region's stations are the seed's
(``assets/catalog/region.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from assets.catalog.csv_catalog import read_catalog_csv, typed
from assets.catalog.region import AREAS_SEED, with_region_stations

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds" / "stations.csv"
REQUIRED = ("code", "name", "city", "lon", "lat")
# another layout's column -> the catalog's, used where the catalog's own column is absent
LAYOUT_ALIASES = {
    "city_in_list": "city",
    "target_area": "area",  # "大足 Dazu": the area, then its English name (split below)
    "is_control": "is_background",  # Y/N
    "district_note": "note",
}

SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "area": pl.String,
    "area_en": pl.String,
    "province": pl.String,
    "city": pl.String,
    "lon": pl.Float64,
    "lat": pl.Float64,
    "is_background": pl.Boolean,
    "in_service": pl.Boolean,
    "active_from": pl.Date,
    "active_to": pl.Date,
    "note": pl.String,
}


class CatalogError(ValueError):
    pass


def load_station_catalog(path: Path | str | None = None) -> pl.DataFrame:
    """Read and normalise a catalog, then give the region's stations their seed rows (``with_region_stations``)."""
    path = Path(path) if path else DEFAULT_CATALOG
    frame = read_station_csv(path)
    if path.resolve() == DEFAULT_CATALOG:
        return frame
    return with_region_stations(frame, read_station_csv(DEFAULT_CATALOG))


def read_station_csv(path: Path) -> pl.DataFrame:
    """One catalog file as it is; where a column or a cell is empty: ``area = city`` (without 市), the province of
    its area in seeds/areas.csv, in service, no dates."""
    raw = read_catalog_csv(path, (), "station catalog", CatalogError)
    raw = raw.rename({old: new for old, new in LAYOUT_ALIASES.items() if old in raw.columns and new not in raw.columns})
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise CatalogError(
            f"{path}: the station catalog lacks column(s) {', '.join(missing)} (required: {', '.join(REQUIRED)}; "
            "city_in_list is read as city: see docs/sources.md, Station catalogs)"
        )
    if "area" in raw.columns and "area_en" not in raw.columns:  # "大足 Dazu" -> 大足, Dazu
        parts = pl.col("area").str.strip_chars().str.splitn(" ", 2)
        raw = raw.with_columns(area=parts.struct.field("field_0"), area_en=parts.struct.field("field_1"))
    defaults = {
        "area": pl.col("city").str.strip_chars().str.replace(r"市$", ""),
        "area_en": pl.lit(None, pl.String),
        "province": pl.lit(None, pl.String),
        "is_background": pl.lit("false"),
        "in_service": pl.lit("true"),
        "active_from": pl.lit(None, pl.String),
        "active_to": pl.lit(None, pl.String),
        "note": pl.lit(None, pl.String),
    }
    raw = raw.with_columns(pl.lit(None, pl.String).alias(name) for name in defaults if name not in raw.columns)
    blank = lambda name: pl.col(name).str.strip_chars().replace("", None).is_null()  # noqa: E731
    frame = raw.with_columns(  # an absent column and an empty cell both take the default
        pl.when(blank(name)).then(expr).otherwise(pl.col(name).str.strip_chars()).alias(name)
        for name, expr in defaults.items()
    ).with_columns(pl.col("code", "name", "city").str.strip_chars())
    frame = frame.select(typed(name, dtype) for name, dtype in SCHEMA.items())
    _check(frame, raw, path)
    return _with_area_province(frame)


def _with_area_province(frame: pl.DataFrame) -> pl.DataFrame:
    """A station of one of the region's areas without a province gets the area's (seeds/areas.csv)."""
    areas = pl.read_csv(AREAS_SEED, columns=["area", "province"]).rename({"province": "_province"})
    return (
        frame.join(areas, on="area", how="left")
        .with_columns(province=pl.coalesce("province", "_province"))
        .drop("_province")
    )


def _check(frame: pl.DataFrame, raw: pl.DataFrame, path: Path) -> None:
    rows = frame.with_row_index("row", offset=2)
    bad_coords = rows.filter(pl.col("lon").is_null() | pl.col("lat").is_null())
    if bad_coords.height:
        r = bad_coords.row(0, named=True)
        raise CatalogError(f"{path}: row {r['row']} (station {r['code']}): lon/lat missing or not a number")
    for name in ("active_from", "active_to"):  # a date that is written but unreadable is a typo, not "no date"
        if name not in raw.columns:
            continue
        written = raw.with_row_index("row", offset=2).filter(pl.col(name).str.strip_chars().str.len_chars() > 0)
        bad = written.join(rows.filter(pl.col(name).is_null()).select("row"), on="row", how="semi")
        if bad.height:
            r = bad.row(0, named=True)
            raise CatalogError(
                f"{path}: row {r['row']} (station {r['code']}): {name} {r[name]!r} is not a date (write YYYY-MM-DD)"
            )
    dupes = frame.filter(pl.col("code").is_duplicated())["code"].unique().sort()
    if dupes.len():
        raise CatalogError(f"{path}: duplicate station code(s) {', '.join(dupes.to_list()[:10])}")


def active_stations(catalog: pl.DataFrame, day: dt.date | None = None) -> pl.DataFrame:
    """Stations that report (decommissioned and replaced stations publish nothing). Without ``day``: those in
    service now. On ``day``: from ``active_from`` (if given), until ``active_to`` (if given; else while
    ``in_service``), so that a station that closed on a known date is expected on the days before it closed."""
    if day is None:
        return catalog.filter(pl.col("in_service"))
    started = pl.col("active_from").is_null() | (pl.col("active_from") <= day)
    not_ended = pl.when(pl.col("active_to").is_null()).then(pl.col("in_service")).otherwise(pl.col("active_to") > day)
    return catalog.filter(started & not_ended)
