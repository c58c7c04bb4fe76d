"""A section catalog for the national platform's hour (../shared/data/cnemc_water), built from the file itself.

The platform publishes no section list (codes, targets, types: see the data README), so the catalog is made the way
an operator would make one: a code per (province, name), the 流域 as the river, target III (a placeholder: compliance
is not compared), and the water body from the name, never from the classes:

- a lake or reservoir (湖库) when the name names one at the section: ``…湖`` after a name (武昌湖, 胥湖心, 新河入湖区),
  ``水库``, ``库心``, ``坝上``, ``坝前``;
- but a river when the name is that of a river's section at a lake's or reservoir's inflow or outflow (``入湖口``,
  ``入…湖口``, ``水库口``, ``出口``, ``出水口``, ``下游``, ``…湖下``), and where 湖 begins a place name (湖口, 湖沟);
- a lake for the monitoring points in the large lakes whose names do not say so: 太湖, 巢湖, 滇池 (the three
  lakes the national programme names), 鄱阳湖 and 洞庭湖 (LAKE_STATIONS; from the lakes' published point lists).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

LAKE_WORDS = r".湖|水库|库心|坝上|坝前"
RIVER_WORDS = r"入湖口|入.+(湖|水库)口|水库口|出口|出水口|下游|湖下$"
LAKE_STATIONS = {
    "太湖": ("拖山", "兰山嘴", "锡东水厂"),
    "巢湖": ("忠庙", "黄麓"),
    "滇池": ("草海中心", "断桥", "灰湾中", "罗家营", "观音山东", "观音山中", "观音山西", "海口西", "白鱼口", "滇池南"),
    "鄱阳湖": ("都昌", "蛤蟆石"),
    "洞庭湖": ("岳阳楼", "南嘴", "小河嘴"),
}
_LAKE_NAMES = [name for names in LAKE_STATIONS.values() for name in names]


def water_body(name: pl.Expr) -> pl.Expr:
    lake = name.str.contains(LAKE_WORDS) & ~name.str.contains(RIVER_WORDS)
    return pl.when(lake | name.is_in(_LAKE_NAMES)).then(pl.lit("lake")).otherwise(pl.lit("river"))


def platform_catalog(platform_csv: Path, out: Path) -> Path:
    """Write the catalog of every (省份, 断面名称) of the file to ``out`` (the project's section catalog layout)."""
    rows = pl.read_csv(platform_csv, infer_schema=False)
    catalog = (
        rows.select(
            pl.col("省份").str.strip_chars_end("省市").alias("province"),
            pl.col("断面名称").alias("name"),
            pl.col("流域").alias("river"),
        )
        .unique(subset=["province", "name"], maintain_order=True)
        .with_row_index("n", offset=1)
        .select(
            pl.format("NP{}", pl.col("n").cast(pl.String).str.zfill(4)).alias("section_code"),
            "name",
            "river",
            "province",
            pl.col("province").alias("area"),
            pl.lit("III").alias("target_class"),
            water_body(pl.col("name")).alias("water_body"),
        )
    )
    catalog.write_csv(out)
    return out
