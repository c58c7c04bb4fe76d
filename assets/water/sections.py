"""The river section catalog (断面目录): the demo network by default, the official list when configured.

One row per monitoring section: code, name, river, province, area, lon/lat, order along the river (upstream ->
downstream), whether it is a provincial border section and on which side of the crossing (``border_role``:
``upstream`` = last section before the border, ``downstream`` = first after it), target class (水质目标), the next
section downstream and the travel time to it, and the water body (``water_body``: ``river``, or ``lake`` for a lake or
reservoir section, 湖库, classed on the lake limits of GB 3838; default ``river``). ``ENVMON_WATER_SECTIONS`` replaces
the file without code changes.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.catalog.csv_catalog import read_catalog_csv, typed

DEFAULT_SECTIONS = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds" / "water_sections.csv"
CLASSES = ("I", "II", "III", "IV", "V", "劣V")
WATER_BODIES = ("river", "lake")  # the keys of seeds/water_evaluated_parameters.csv

SCHEMA = {
    "section_code": pl.String,
    "name": pl.String,
    "river": pl.String,
    "province": pl.String,
    "area": pl.String,
    "lon": pl.Float64,
    "lat": pl.Float64,
    "order_along_river": pl.Int32,
    "is_border_section": pl.Boolean,
    "border_role": pl.String,
    "target_class": pl.String,
    "water_body": pl.String,
    "next_section_code": pl.String,
    "travel_time_hours": pl.Float64,
    "illustrative": pl.Boolean,
    "note": pl.String,
}
REQUIRED = ("section_code", "name", "river", "province", "area", "target_class")


class SectionCatalogError(ValueError):
    pass


def load_sections(path: Path | str | None = None) -> pl.DataFrame:
    """Read and check a section catalog; errors name the file, the row (CSV line) and the field."""
    path = Path(path) if path else DEFAULT_SECTIONS
    raw = read_catalog_csv(path, REQUIRED, "section catalog", SectionCatalogError)
    raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in SCHEMA if c not in raw.columns)
    strings = [c for c, t in SCHEMA.items() if t == pl.String]
    frame = raw.with_columns(pl.col(strings).str.strip_chars().replace("", None)).select(
        typed(name, dtype) for name, dtype in SCHEMA.items()
    )
    _check(frame.with_row_index("line", offset=2), raw.with_row_index("line", offset=2), path)
    return frame.with_columns(pl.col("border_role").fill_null(""), pl.col("water_body").fill_null("river"))


def _check(frame: pl.DataFrame, raw: pl.DataFrame, path: Path) -> None:
    def fail(rows: pl.DataFrame, field: str, what: str) -> None:
        if rows.height:
            r = rows.row(0, named=True)
            raise SectionCatalogError(f"{path}: row {r['line']} (section {r['section_code']}), field {field}: {what}")

    for field in REQUIRED:
        fail(frame.filter(pl.col(field).is_null()), field, "missing")
    for field in ("lon", "lat", "travel_time_hours", "order_along_river"):
        bad = frame.filter(pl.col(field).is_null() & raw[field].str.strip_chars().replace("", None).is_not_null())
        fail(bad, field, "not a number")
    fail(frame.filter(~pl.col("target_class").is_in(CLASSES)), "target_class", f"must be one of {', '.join(CLASSES)}")
    fail(
        frame.filter(~pl.col("water_body").fill_null("river").is_in(WATER_BODIES)),
        "water_body",
        "must be river or lake (湖库: a lake or reservoir section; empty = river)",
    )
    fail(frame.filter(pl.col("section_code").is_duplicated()), "section_code", "duplicate code")
    # the national network has one name in two provinces (三岔口 in 天津 and 黑龙江): a file's 省份 tells them apart
    fail(
        frame.filter(~pl.struct("name", "province").is_first_distinct()),  # the repeat's row
        "name",
        "duplicate name in one province (files match sections by name, and by 省份 and name)",
    )
    codes = frame["section_code"].implode()
    fail(
        frame.filter(pl.col("next_section_code").is_not_null() & ~pl.col("next_section_code").is_in(codes)),
        "next_section_code",
        "not a section of this catalog",
    )
    fail(
        frame.filter(pl.col("next_section_code").is_not_null() & pl.col("travel_time_hours").is_null()),
        "travel_time_hours",
        "needed when next_section_code is set",
    )
    fail(
        frame.filter(~pl.col("border_role").fill_null("").is_in(["", "upstream", "downstream"])),
        "border_role",
        "must be empty, upstream or downstream",
    )


def border_crossings(sections: pl.DataFrame) -> pl.DataFrame:
    """Each provincial crossing: an ``upstream`` border section whose next section is a ``downstream`` one."""
    down = sections.select(
        pl.col("section_code").alias("next_section_code"),
        pl.col("province").alias("downstream_province"),
        pl.col("border_role").alias("_role"),
    )
    return (
        sections.filter(pl.col("border_role") == "upstream")
        .join(down, on="next_section_code")
        .filter((pl.col("_role") == "downstream") & (pl.col("province") != pl.col("downstream_province")))
        .select(
            "river",
            pl.col("section_code").alias("upstream_code"),
            pl.col("province").alias("upstream_province"),
            pl.col("next_section_code").alias("downstream_code"),
            "downstream_province",
            "travel_time_hours",
        )
    )


def upstream_lags(sections: pl.DataFrame) -> pl.DataFrame:
    """(section_code, source_code, lag_hours, hops) for every section and each section upstream of it (and itself)."""
    nxt = dict(zip(sections["section_code"], sections["next_section_code"]))
    hours = dict(zip(sections["section_code"], sections["travel_time_hours"]))
    rows = []
    for source in sections["section_code"]:
        code, lag, hops, seen = source, 0.0, 0, set()
        while code is not None and code not in seen:  # a cycle in a bad catalog must not hang the generator
            seen.add(code)
            rows.append((code, source, lag, hops))
            lag, hops, code = lag + (hours[code] or 0.0), hops + 1, nxt[code]
    return pl.DataFrame(rows, schema=["section_code", "source_code", "lag_hours", "hops"], orient="row")
