"""The region's stations on any catalog: the seed ``dbt_like_sql/seeds/stations.csv`` is the authority for the
region's 30 stations (area, province, background, service dates), whatever catalog is configured.

- A catalog with stations beyond the region (the national list, a provincial one) is a wider network: each region
  station it holds is replaced by the seed's row (the national list calls every Chongqing district station 重庆, and
  its 2018 snapshot lacks the stations opened since), and the region stations it lacks are added. Its other
  stations stay as the file says (``area`` = ``city`` without 市 unless the file gives one).
- A catalog made only of region stations is a chosen subset of the region (a test, a partial deployment): its
  stations get the seed's rows, and nothing is added.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

SEEDS = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds"
AREAS_SEED = SEEDS / "areas.csv"


def with_region_stations(catalog: pl.DataFrame, region: pl.DataFrame) -> pl.DataFrame:
    """``catalog`` with the seed's rows (``region``, same schema) for the region's stations; see the module."""
    in_region = pl.col("code").is_in(region["code"].implode())
    subset = catalog.select(in_region.all()).item()
    kept = region.filter(pl.col("code").is_in(catalog["code"].implode())) if subset else region
    return pl.concat([catalog.filter(~in_region), kept.select(catalog.columns)]).sort("code")


def region_areas() -> list[str]:
    """The region's ten areas (seeds/areas.csv)."""
    return pl.read_csv(AREAS_SEED, columns=["area"])["area"].to_list()
