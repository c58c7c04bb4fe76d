"""Air assets: the station catalog and the hourly readings of each daily partition."""


import datetime as dt

import dagster as dg

from assets.air.checks import AIR_CHECK_SPECS, capture_not_applicable, capture_result
from assets.air.ingest import ingest_air_batch
from assets.air.sources import SourceOptions, get_air_source
from assets.catalog.stations import active_stations, load_station_catalog
from assets.clock import now_cst
from assets.metadata import markdown_table
from assets.partitions import WRITER_POOL, daily_partitions
from assets.quality.capture import daily_capture
from assets.quality.checks import batch_usable_result, validation_metadata
from assets.quality.specs import AIR_HOURLY
from assets.resources import EnvmonSettings, WarehouseResource
from warehouse.partitions import replace_table

@dg.asset(
    key=["seeds", "stations"],
    group_name="seeds",
    pool=WRITER_POOL,
    kinds={"duckdb", "csv"},
    description="The air station catalog (the region's 30 national stations, or the CSV in ENVMON_STATIONS).",
)
def station_catalog(settings: EnvmonSettings, warehouse: WarehouseResource) -> dg.MaterializeResult:
    catalog = load_station_catalog(settings.stations_csv or None)
    with warehouse.connect() as con:
        replace_table(con, "seeds.stations", catalog)
    per_area = catalog.group_by("area").len().sort("area")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": catalog.height,
            "catalog": settings.stations_csv or "dbt_like_sql/seeds/stations.csv",
            "in_service": int(catalog["in_service"].sum()),
            "stations_per_area": dg.MetadataValue.md(markdown_table(per_area, 40)),
        }
    )


@dg.asset(
    key=["staging", "air_hourly"],
    group_name="air",
    partitions_def=daily_partitions,
    deps=[station_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "parquet"},
    check_specs=AIR_CHECK_SPECS,
    description=(
        "Hourly PM2.5, PM10, SO2, NO2, O3 (ug/m3) and CO (mg/m3) per station for one natural day "
        "(01:00-24:00 CST), from the configured source: raw batch kept as Parquet, rows checked, the partition "
        "replaced as a whole (re-runs are idempotent), rejected rows in quarantine.rejected_rows."
    ),
)
def air_hourly(
    context: dg.AssetExecutionContext, settings: EnvmonSettings, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    day = dt.date.fromisoformat(context.partition_key)
    catalog = load_station_catalog(settings.stations_csv or None)
    options = SourceOptions(
        settings.input_path, settings.generator_seed, settings.generator_fault_rate,
        settings.openmeteo_url, settings.openaq_url, settings.livefeed_url,
    )
    batch = get_air_source(settings.air_source)(day, catalog, options)
    for problem in batch.problems[:20]:
        context.log.warning(f"{problem.get('file', '')} row {problem.get('row', '')} field {problem.get('field', '')}: {problem['message']}")
    now = now_cst()
    with warehouse.connect() as con:
        result = ingest_air_batch(
            con, settings.paths.raw, settings.air_source, day, batch, catalog["code"], now,
            data_root=settings.paths.root, max_rejected_share=settings.max_rejected_share,
        )
    validation = result.validation
    capture_check = (
        capture_result(daily_capture(AIR_HOURLY, result.staged, validation.flags, day, active_stations(catalog)["code"]))
        if batch.measured
        else capture_not_applicable(f"{settings.air_source} is modelled: station data of the day were not touched")
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": result.staged.height,
            "source": settings.air_source,
            "batch_id": result.batch_id,
            "raw_file": dg.MetadataValue.path(str(result.raw_path)),
            **validation_metadata(validation),
            "stations": result.staged["station_code"].n_unique(),
            "problems": len(batch.problems),
            **{k: dg.MetadataValue.json(v) if isinstance(v, (dict, list)) else v for k, v in batch.summary.items()},
            "preview": dg.MetadataValue.md(markdown_table(result.staged.sort("ts", "station_code"))),
        },
        check_results=[batch_usable_result(validation, settings.max_rejected_share), capture_check],
    )
