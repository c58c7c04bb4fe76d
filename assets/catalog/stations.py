"""The air station catalog: the region's 30 national stations by default, any CSV with at least
``code,name,city,lon,lat`` (such as the 1,495-station national list) when configured."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.catalog.csv_catalog import read_catalog_csv, typed

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds" / "stations.csv"
REQUIRED = ("code", "name", "city", "lon", "lat")

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
    "active_to": pl.Date,
    "note": pl.String,
}


class CatalogError(ValueError):
    pass


def load_station_catalog(path: Path | str | None = None) -> pl.DataFrame:
    """Read and normalise a catalog; a minimal one gets ``area = city`` and every station in service."""
    path = Path(path) if path else DEFAULT_CATALOG
    raw = read_catalog_csv(path, REQUIRED, "station catalog", CatalogError)
    defaults = {
        "area": pl.col("city").str.replace(r"市$", ""),
        "area_en": pl.lit(None, pl.String),
        "province": pl.lit(None, pl.String),
        "is_background": pl.lit("false"),
        "in_service": pl.lit("true"),
        "active_to": pl.lit(None, pl.String),
        "note": pl.lit(None, pl.String),
    }
    frame = raw.with_columns(
        [expr.alias(name) for name, expr in defaults.items() if name not in raw.columns]
    ).with_columns(pl.col("code", "name", "city").str.strip_chars())
    frame = frame.select(typed(name, dtype) for name, dtype in SCHEMA.items())
    _check(frame, path)
    return frame


def _check(frame: pl.DataFrame, path: Path) -> None:
    bad_coords = frame.with_row_index("row", offset=2).filter(pl.col("lon").is_null() | pl.col("lat").is_null())
    if bad_coords.height:
        r = bad_coords.row(0, named=True)
        raise CatalogError(f"{path}: row {r['row']} (station {r['code']}): lon/lat missing or not a number")
    dupes = frame.filter(pl.col("code").is_duplicated())["code"].unique().sort()
    if dupes.len():
        raise CatalogError(f"{path}: duplicate station code(s) {', '.join(dupes.to_list()[:10])}")


def active_stations(catalog: pl.DataFrame) -> pl.DataFrame:
    """Stations that report: in service (decommissioned and replaced stations publish nothing)."""
    return catalog.filter(pl.col("in_service"))
