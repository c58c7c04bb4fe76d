"""A real Data Docs site: two daily air batches validated by the validation layer (GX included) and one
monitoring-centre river file ingested, all under one data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from assets.air.generator import GeneratorConfig, generate_air_day
from assets.catalog.stations import active_stations, load_station_catalog
from assets.quality.specs import AIR_HOURLY
from assets.quality.validate import validate_batch
from assets.water.landing import process_water_file
from assets.water.sections import load_sections
from warehouse.connection import write_connection
from warehouse.paths import DataPaths

DAYS = [dt.date(2026, 1, 14), dt.date(2026, 1, 15)]
NOW = dt.datetime(2026, 1, 17, 9)
RIVER_FILE = (
    "\n".join(
        [
            "断面名称,监测时间,水温(℃),pH(无量纲),溶解氧(mg/L),电导率(μS/cm),浊度(NTU),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L),总氮(mg/L)",
            "濑溪河 泸县入境(川渝界),2026-01-16 04:00,12.1,7.62,8.95,412,18.2,3.4,0.412,0.153,1.2",
            "濑溪河 泸县入境(川渝界),2026-01-16 08:00,12.3,7.60,8.91,415,17.9,3.5,0.398,0.149,1.1",
        ]
    )
    + "\n"
)


def build_site(data_dir: Path) -> Path:
    """Returns the site folder (``<data>/data_docs``)."""
    catalog = load_station_catalog()
    nothing = pl.DataFrame(schema={"station_code": pl.String, "ts": pl.Datetime("us")})
    for day in DAYS:
        rows, _ = generate_air_day(active_stations(catalog), day, GeneratorConfig(2023, 0.03))
        validate_batch(AIR_HOURLY, rows.cast(AIR_HOURLY.schema), day, catalog["code"], nothing, NOW, data_root=data_dir)
    paths = DataPaths(data_dir)
    river = data_dir / "濑溪河_2026-01-16.csv"
    river.write_text(RIVER_FILE, encoding="gbk")
    with write_connection(paths.warehouse) as con:
        outcome = process_water_file(con, river, paths, load_sections(), NOW)
    assert outcome.status == "loaded", outcome
    return data_dir / "data_docs"
