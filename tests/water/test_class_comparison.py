"""The reason of each difference between our class and the class a file stated (assets/water/class_comparison.py),
on hand-made readings through the SQL models."""

import polars as pl

from assets.water.class_comparison import agreement, compare_reported_classes, difference_lines
from assets.water.sections import load_sections
from tests.water.marts_harness import build_water_marts, reading

CLEAN = dict(ph=7.5, dissolved_oxygen=8.0, codmn=1.5, ammonia_nitrogen=0.1, total_phosphorus=0.015)


def test_each_difference_gets_the_first_reason_that_explains_it(tmp_path):
    sections = load_sections().with_columns(
        water_body=pl.when(pl.col("section_code") == "LXH02").then(pl.lit("lake")).otherwise(pl.col("water_body"))
    )
    rows = [
        reading("LXH01", "2026-06-01 04:00", **CLEAN, reported_class="I"),  # equal
        reading("LXH01", "2026-06-01 08:00", **{**CLEAN, "total_phosphorus": 0.1}, reported_class="III"),
        reading("LXH02", "2026-06-01 08:00", **{**CLEAN, "total_phosphorus": 0.029}, reported_class="II"),
        reading("LXH03", "2026-06-01 08:00", **{**CLEAN, "ammonia_nitrogen": None}, reported_class="IV"),
        reading("LXH04", "2026-06-01 08:00", **CLEAN, reported_class="劣V"),
        reading("LXH05", "2026-06-01 08:00", **CLEAN),  # no stated class: not compared
    ]
    con = build_water_marts(tmp_path / "w.duckdb", rows, sections)
    compared = compare_reported_classes(con)
    got = {(r["section_code"], r["ts"].hour): r for r in compared.iter_rows(named=True)}
    assert agreement(compared) == (5, 1, 0.2)
    assert got[("LXH01", 4)]["reason"] is None and got[("LXH01", 4)]["equal"]
    on_limit = got[("LXH01", 8)]
    assert (on_limit["water_class"], on_limit["reason"]) == ("II", "on_limit")
    assert on_limit["why"].startswith("总磷 0.1 = the class II limit")
    body = got[("LXH02", 8)]  # TP 0.029 in a reservoir: III; a river's II is what the file said
    assert (body["water_body"], body["water_class"], body["reason"]) == ("lake", "III", "water_body")
    assert body["why"] == "judged as a river it is II: the catalog says lake"
    missing = got[("LXH03", 8)]
    assert missing["reason"] == "missing_parameter"
    assert missing["why"] == "not judged here (no valid value): ammonia_nitrogen"
    assert got[("LXH04", 8)]["reason"] == "unexplained"
    assert len(difference_lines(compared)) == 4
