"""Air assets: the station catalog and the hourly readings of each daily partition."""

import dagster as dg
import polars as pl

from assets.air.checks import AIR_CHECK_SPECS, capture_not_applicable, capture_result
from assets.air.ingest import ingest_air_batch, record_unreadable
from assets.air.sources import SourceOptions, get_air_source
from assets.automation import REFERENCE_TAGS
from assets.catalog.region import region_areas
from assets.catalog.stations import active_stations, load_station_catalog
from assets.clock import now_cst
from assets.demo import tag_run
from assets.http_sources.deadline import HttpLimits
from assets.ingest.changed_days import changed_day_materializations
from assets.ingest.files import BadFileError
from assets.metadata import add_day_metadata, batches_table, markdown_table, source_summary
from assets.partitions import DAILY_BACKFILL, WRITER_POOL, daily_partitions, run_days
from assets.quality.capture import daily_capture
from assets.quality.checks import batch_usable_result, validation_metadata
from assets.quality.specs import AIR_HOURLY
from assets.quality.validate import combined, record_batches
from assets.resources import WarehouseResource
from assets.settings import EnvmonSettings
from warehouse.partitions import replace_table


@dg.asset(
    key=["seeds", "stations"],
    tags=REFERENCE_TAGS,
    group_name="seeds",
    pool=WRITER_POOL,
    kinds={"duckdb", "csv"},
    description=(
        "The air station catalog (the region's 30 national stations, or the CSV in ENVMON_STATIONS, whose region "
        "stations are the seed's: docs/sources.md, Station catalogs)."
    ),
)
def station_catalog(settings: dg.ResourceParam[EnvmonSettings], warehouse: WarehouseResource) -> dg.MaterializeResult:
    catalog = load_station_catalog(settings.stations_csv or None)
    with warehouse.connect() as con:
        replace_table(con, "seeds.stations", catalog)
    per_area = catalog.group_by("area").len().sort("area")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": catalog.height,
            "catalog": settings.stations_csv or "dbt_like_sql/seeds/stations.csv",
            "in_service": int(catalog["in_service"].sum()),
            "region_stations": catalog.filter(pl.col("area").is_in(region_areas())).height,
            "stations_per_area": dg.MetadataValue.md(markdown_table(per_area, 40)),
        }
    )


@dg.asset(
    key=["staging", "air_hourly"],
    group_name="air",
    partitions_def=daily_partitions,
    backfill_policy=DAILY_BACKFILL,
    deps=[station_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "parquet"},
    check_specs=AIR_CHECK_SPECS,
    description=(
        "Hourly PM2.5, PM10, SO2, NO2, O3 (ug/m3) and CO (mg/m3) per station for each natural day of the run "
        "(01:00-24:00 CST), from the configured source: one raw batch per day kept as Parquet, rows checked, each "
        "day's partition replaced as a whole (re-runs are idempotent), rejected rows in quarantine.rejected_rows, "
        "one GX validation of the run's batches."
    ),
)
def air_hourly(
    context: dg.AssetExecutionContext,
    settings: dg.ResourceParam[EnvmonSettings],
    http: dg.ResourceParam[HttpLimits],
    warehouse: WarehouseResource,
):
    days = run_days(context)
    catalog = load_station_catalog(settings.stations_csv or None)
    options = SourceOptions(
        settings.input_path,
        settings.generator_seed,
        settings.generator_fault_rate,
        settings.openmeteo_url,
        settings.openaq_url,
        settings.livefeed_url,
        settings.openaq_api_key,
        settings.openaq_match_km,
        settings.max_file_mb,
        http,
    )
    source, now = get_air_source(settings.air_source), now_cst()
    tag_run(context.instance, context.run.run_id, settings.air_source)  # envmon/demo_data=true: generated readings
    results, problems, summaries, measured = {}, [], {}, True
    with warehouse.connect() as con:  # one connection for the run's days (each open and close costs ~20 ms)
        for day in days:  # the sources deliver a day at a time; each day is its own batch
            try:
                batch = source(day, catalog, options)
            except BadFileError as exc:  # the day's own file: a copy to rejected/, a problem line, the run fails
                record_unreadable(con, exc, settings.paths.rejected, settings.air_source, day, context.run.run_id, now)
                raise
            problems += batch.problems
            summaries[day.isoformat()], measured = batch.summary, batch.measured
            results[day] = ingest_air_batch(
                con,
                settings.paths.raw,
                settings.air_source,
                day,
                batch,
                catalog["code"],
                now,
                max_rejected_share=settings.max_rejected_share,
                run_id=context.run.run_id,
                rejected_dir=settings.paths.rejected,
            )
    for problem in problems[:20]:
        context.log.warning(
            f"{problem.get('file', '')} row {problem.get('row', '')} field {problem.get('field', '')}: "
            f"{problem['message']}"
        )
    staged = pl.concat([r.staged for r in results.values()], how="vertical_relaxed")
    gx, _ = record_batches(
        AIR_HOURLY,
        [r.staged for r in results.values()],
        days[0],
        days[-1],
        catalog["code"],
        now,
        settings.paths.root,
        f"air_hourly-{days[0]}-{days[-1]}",
    )
    validation = combined({d: r.validation for d, r in results.items()}, gx)
    expected = {d: active_stations(catalog, d)["code"] for d in results}  # the stations in service that day
    capture_check = (
        capture_result(
            pl.concat(
                [daily_capture(AIR_HOURLY, r.staged, r.validation.flags, d, expected[d]) for d, r in results.items()]
            )
        )
        if measured
        else capture_not_applicable(f"{settings.air_source} is modelled: station data of the day were not touched")
    )
    by_day = {
        d.isoformat(): {
            "batches": batches_table({d: r}, original_files=lambda r: ", ".join(map(str, r.originals))),
            **source_summary({d.isoformat(): summaries[d.isoformat()]}),
        }
        for d, r in results.items()
    }
    preview = {"preview": dg.MetadataValue.md(markdown_table(staged.sort("ts", "station_code")))}
    add_day_metadata(context, context.asset_key, by_day, preview)
    yield dg.MaterializeResult(
        metadata={
            "dagster/row_count": staged.height,
            "source": settings.air_source,
            **validation_metadata(validation),
            "stations": staged["station_code"].n_unique(),
            "problems": len(problems),
        },
        check_results=[batch_usable_result(validation, settings.max_rejected_share), capture_check],
    )
    # after the result: a run's own materialization comes first in its events
    yield from changed_day_materializations(
        context.asset_key, days, {f"the batch of {d}": r.changed_days for d, r in results.items()}
    )
