"""A section catalog for the national platform's hour (../shared/data/cnemc_water), built from the file itself.

The platform publishes no section list (codes, targets, types: see the data README), so the catalog is made the way
an operator would make one: a code per (province, name), the 流域 as the river, target III (a placeholder: compliance
is not compared), and the water body from the name, never from the classes:

- a lake or reservoir (湖库) when the name names one at the section: ``…湖`` after a name (武昌湖, 胥湖心, 新河入湖区),
  ``水库``, ``库心``, ``坝上``, ``坝前``;
- but a river when the name is that of a river's section at a lake's or reservoir's inflow or outflow (``入湖口``,
  ``入…湖口``, ``水库口``, ``出口``, ``出水口``, ``下游``, ``…湖下``), and where 湖 begins a place name (湖口, 湖沟);
- a lake for the monitoring points in the large lakes whose names do not say so: 太湖, 巢湖, 滇池 (the three
  lakes the national programme names), 鄱阳湖 and 洞庭湖 (LAKE_STATIONS; from the lakes' published point lists);
- and, above the name rule, the sections whose water body a public source gives (SOURCED_WATER_BODIES): a river
  section at a place name with 湖 in it, a point in a reservoir whose name does not say so, a reservoir's dam section
  listed under its river. Never from the platform's classes: a section no source was found for keeps the name rule's
  type and stays a listed difference (docs/water.md).
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

# Sources. HZ: 惠州市集中式生活饮用水水源水质状况报告 (2019-02, 2021-05), m.1183118.com/zdlyxxgk/hjbhxxgk/szhjxx/
# content/post_2719785.html and post_4294868.html. HB: the station list of a 湖北省地表水水质自动站实时形势分析日报
# (附表1/附表3: 河流, 国控/省控, 断面, 地市, 目标), a public GitHub file (stored-text id 62494950223); in that list
# a lake or reservoir point is filed under its lake or reservoir (丹江口水库, 黄龙滩水库, 洪湖 …), a river section
# under its river. JZ: 沮漳河 (encyclopedia text, weilinceramic.com/weilinceramic/沮漳河/0). JN: 济南市生态环境局,
# 2025年2月份水环境质量状况 (jnepb.jinan.gov.cn/art/2025/3/25/art_10428_4819566.html), 表1: 卧虎山水库, 所在河流
# 玉符河, 国控, 目标 Ⅱ. GZ: 2009年贵州省环境状况公报, 湖库垂线表 (cn.chinagate.cn/infocus/2010-10/27/
# content_21213123_4.htm): 百花湖's verticals 大坝, 花桥, 岩脚寨, 麦西河口, 铝厂… (贵铝 is 贵州铝厂).
SOURCED_WATER_BODIES = (
    # (province, name, water_body, what it is, source)
    ("广东", "惠州汝湖", "river", "东江 at the town 汝湖: the section of 河流型水源 东江虾村/谭屋角", "HZ"),
    ("湖北", "两河口（草埠湖水厂）", "river", "沮漳河 at 两河口, where 沮河 and 漳河 join", "HB, JZ"),
    ("湖北", "余家湖", "river", "汉江干流, 襄阳 (国控)", "HB"),
    ("湖南", "马坡湖", "river", "松滋东河 (国控; HB lists it under 荆州)", "HB"),
    ("湖北", "潘口水库坝上", "river", "filed under 堵河, not under a reservoir: assessed as the river", "HB"),
    ("山东", "卧虎山水库", "river", "filed under 玉符河 among the river sections: assessed as the river", "JN"),
    ("贵州", "贵铝泵房", "lake", "百花湖's 铝厂 vertical (the excerpt ends at 铝厂…; 贵铝 = 贵州铝厂)", "GZ"),
    ("河南", "五龙泉", "lake", "filed under 丹江口水库 (HB lists it under 十堰, the platform under 河南)", "HB"),
)


def water_body(name: pl.Expr) -> pl.Expr:
    """The water body the name says (the rule above, without the sourced table)."""
    lake = name.str.contains(LAKE_WORDS) & ~name.str.contains(RIVER_WORDS)
    return pl.when(lake | name.is_in(_LAKE_NAMES)).then(pl.lit("lake")).otherwise(pl.lit("river"))


def sourced_water_bodies() -> pl.DataFrame:
    """SOURCED_WATER_BODIES as a frame: province, name, sourced (the water body), what, source."""
    return pl.DataFrame(SOURCED_WATER_BODIES, schema=["province", "name", "sourced", "what", "source"], orient="row")


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
        .join(
            sourced_water_bodies().select("province", "name", "sourced"),
            on=["province", "name"],
            how="left",
            maintain_order="left",
        )
        .with_columns(pl.coalesce("sourced", "water_body").alias("water_body"))
        .drop("sourced")
    )
    catalog.write_csv(out)
    return out
