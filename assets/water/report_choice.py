"""Which province's report of a river reading the statistics use, when both provinces report one section and time.

At a provincial border each province's monitoring centre may report the same section (the national file layout
carries 省份). Both reports are kept (``staging.water_province_reports``) and compared
(``marts.water_report_comparison``); ``staging.water_readings`` holds one value per section and time, chosen by
this rule, in this one place:

1. The report of the section's **downstream province** is used: at a border crossing, the province the river flows
   into (for the last section before the border, the province of the next section; for the first after it, its
   own). Elsewhere, the province the catalog places the section in. The receiving side's official station is the
   one a river-chief assessment of the crossing relies on, and its data serve both sides' statistics.
2. Without that province's report of that time, the other province's report is used (no reading is dropped).
3. A province's later file replaces its own earlier report (a correction), and a file without 省份 replaces what
   was there, as every monitoring-centre file does.

The choice does not depend on the order in which the files arrive. It is visible in
``marts.water_report_comparison`` (``used_province``) and in quarantine (the report it set aside, with the reason).
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.connection import fetch_polars
from warehouse.partitions import registered

RULE = "the downstream province's report (its official station); the other's only when it is missing"


def preferred_provinces(sections: pl.DataFrame) -> dict[str, str]:
    """section_code -> the province whose report the statistics use."""
    province = dict(sections.select("section_code", "province").iter_rows())
    out = {}
    for row in sections.iter_rows(named=True):
        downstream = row["border_role"] == "upstream" and row.get("next_section_code") in province
        out[row["section_code"]] = province[row["next_section_code"]] if downstream else row["province"]
    return out


def normalise_provinces(values: pl.Expr, known: list[str]) -> pl.Expr:
    """'四川省' / '重庆市' / ' 四川 ' -> the catalog's spelling; blank -> null; anything else stays as written."""
    text = values.str.strip_chars().replace("", None)
    short = text.str.strip_chars_end("省市")
    return pl.when(short.is_in(known)).then(short).otherwise(text)


def choose(
    con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, preferred: dict[str, str], batch_id: str
) -> pl.DataFrame:
    """The rows of a file (``reporting_province`` may be null) that become the staged value of their section and
    time; the others are kept as reports only. Reads what staging holds now for the same keys."""
    if not rows.height:
        return rows
    with registered(con, "_keys", rows.select("section_code", "ts").unique()):
        held = fetch_polars(
            con,
            "SELECT w.section_code, w.ts, r.reporting_province AS held_province FROM staging.water_readings AS w "
            "JOIN _keys AS k USING (section_code, ts) LEFT JOIN staging.water_province_reports AS r "
            "ON r.section_code = w.section_code AND r.ts = w.ts AND r.batch_id = w.batch_id WHERE w.batch_id <> ?",
            [batch_id],
        )
    pref = pl.col("section_code").replace_strict(preferred, default=None, return_dtype=pl.String)
    mine = pl.col("reporting_province")
    ranked = (
        rows.join(held, on=["section_code", "ts"], how="left")
        .with_columns(
            keep=(
                mine.is_null() | pl.col("held_province").is_null() | (mine == pl.col("held_province")) | (mine == pref)
            ).fill_null(False),
            is_preferred=(mine == pref).fill_null(False),
        )
        .filter("keep")
        # a joint file with both provinces' reports of one time: the preferred one, else the last row
        .sort("is_preferred", "row_number", descending=False)
        .unique(subset=["section_code", "ts"], keep="last", maintain_order=True)
        .sort("row_number")
    )
    return ranked.drop("held_province", "keep", "is_preferred")
