"""River assets: the section catalog, the 4-hourly readings of each daily partition, and monitoring-centre files."""

import dagster as dg
import polars as pl

from assets.automation import REFERENCE_TAGS
from assets.clock import now_cst
from assets.demo import tag_run
from assets.ingest.changed_days import changed_day_materializations
from assets.ingest.limits import InputLimits
from assets.metadata import add_day_metadata, batches_table, markdown_table, source_summary
from assets.partitions import DAILY_BACKFILL, WRITER_POOL, daily_partitions, run_days
from assets.quality.checks import batch_usable_result, batch_usable_spec, validation_metadata
from assets.quality.validate import combined, record_batches
from assets.resources import WarehouseResource
from assets.settings import EnvmonSettings
from assets.water.ingest import ingest_water_day
from assets.water.landing import process_water_file
from assets.water.sections import border_crossings, load_sections
from assets.water.sources import WaterSourceOptions, get_water_source
from assets.water.spec import WATER_READINGS
from warehouse.partitions import replace_table

WATER_FILES_KEY = dg.AssetKey(["staging", "water_files"])
WATER_READINGS_KEY = dg.AssetKey(["staging", "water_readings"])


@dg.asset(
    key=["seeds", "water_sections"],
    tags=REFERENCE_TAGS,
    group_name="seeds",
    pool=WRITER_POOL,
    kinds={"duckdb", "csv"},
    description="River section catalog (断面目录): the illustrative demo network, or the CSV in ENVMON_WATER_SECTIONS.",
)
def water_section_catalog(
    settings: dg.ResourceParam[EnvmonSettings], warehouse: WarehouseResource
) -> dg.MaterializeResult:
    sections = load_sections(settings.water_sections_csv or None)
    with warehouse.connect() as con:
        replace_table(con, "seeds.water_sections", sections)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sections.height,
            "catalog": settings.water_sections_csv or "dbt_like_sql/seeds/water_sections.csv",
            "illustrative_sections": int(sections["illustrative"].sum()),
            "border_crossings": dg.MetadataValue.md(markdown_table(border_crossings(sections), 40)),
        }
    )


@dg.asset(
    key=WATER_READINGS_KEY,
    group_name="water",
    partitions_def=daily_partitions,
    backfill_policy=DAILY_BACKFILL,
    deps=[water_section_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "parquet"},
    check_specs=[batch_usable_spec(WATER_READINGS_KEY)],
    description=(
        "4-hourly river readings (water temperature, pH, DO, conductivity, turbidity, CODMn, NH3-N, TP, TN) per "
        "section for each natural day of the run, from ENVMON_WATER_SOURCE (landing by default: files only; the "
        "generator's demo readings only beside a generated air source): one raw batch per "
        "day kept as Parquet, rows checked and values flagged (staging.water_value_flags), each day's partition "
        "replaced as a whole, rejected rows in quarantine.rejected_rows, one GX validation of the run's batches. "
        "Readings from monitoring-centre files (staging/water_files) live in the same table: a file reports the "
        "days it changed as materializations of this asset's partitions."
    ),
)
def water_readings(
    context: dg.AssetExecutionContext, settings: dg.ResourceParam[EnvmonSettings], warehouse: WarehouseResource
):
    days = run_days(context)
    sections = load_sections(settings.water_sections_csv or None)
    options = WaterSourceOptions(settings.generator_seed, settings.generator_fault_rate)
    source, now = get_water_source(settings.water_source), now_cst()
    tag_run(context.instance, context.run.run_id, settings.water_source)  # envmon/demo_data=true: generated readings
    results, summaries = {}, {}
    with warehouse.connect() as con:  # one connection for the run's days (each open and close costs ~20 ms)
        for day in days:
            batch = source(day, sections, options)
            summaries[day.isoformat()] = batch.summary
            results[day] = ingest_water_day(
                con,
                settings.paths.raw,
                settings.water_source,
                day,
                batch,
                sections["section_code"],
                now,
                max_rejected_share=settings.max_rejected_share,
            )
    staged = pl.concat([r.staged for r in results.values()], how="vertical_relaxed")
    gx, _ = record_batches(
        WATER_READINGS,
        [r.staged for r in results.values()],
        days[0],
        days[-1],
        sections["section_code"],
        now,
        settings.paths.root,
        f"water_readings-{days[0]}-{days[-1]}",
    )
    validation = combined({d: r.validation for d, r in results.items()}, gx)
    by_day = {
        d.isoformat(): {"batches": batches_table({d: r}), **source_summary({d.isoformat(): summaries[d.isoformat()]})}
        for d, r in results.items()
    }
    preview = {"preview": dg.MetadataValue.md(markdown_table(staged.sort("ts", "section_code")))}
    add_day_metadata(context, context.asset_key, by_day, preview)
    yield dg.MaterializeResult(
        metadata={
            "dagster/row_count": staged.height,
            "source": settings.water_source,
            **validation_metadata(validation),
            "sections": staged["section_code"].n_unique(),
        },
        check_results=[batch_usable_result(validation, settings.max_rejected_share)],
    )
    # after the result: a run's own materialization comes first in its events
    yield from changed_day_materializations(
        context.asset_key, days, {f"the batch of {d}": r.changed_days for d, r in results.items()}
    )


class WaterFilesConfig(dg.Config):
    paths: list[str] = []  # files to ingest (the landing sensor and `envmon ingest` give one file per run)


@dg.asset(
    key=WATER_FILES_KEY,
    group_name="water",
    deps=[water_section_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "csv", "xlsx"},
    description=(
        "Monitoring-centre files from the landing folder (<data>/landing/water/), one run per file started by the "
        "water_landing_sensor or `envmon ingest`: readings into staging.water_readings, the file to "
        "<data>/archive/water/, or to <data>/rejected/ with a reason; each file's outcome in meta.water_files."
    ),
)
def water_files(
    context: dg.AssetExecutionContext,
    config: WaterFilesConfig,
    settings: dg.ResourceParam[EnvmonSettings],
    warehouse: WarehouseResource,
):
    sections = load_sections(settings.water_sections_csv or None)
    outcomes = []
    with warehouse.connect() as con:
        for path in config.paths:
            outcome = process_water_file(
                con,
                path,
                settings.paths,
                sections,
                now_cst(),
                run_id=context.run.run_id,
                horizon_days=settings.reading_horizon_days,
                limits=InputLimits.from_settings(settings),
            )
            outcomes.append(outcome)
            log = context.log.warning if outcome.status in ("rejected", "missing") else context.log.info
            log(f"{path}: {outcome.status}{' - ' + outcome.reason if outcome.reason else ''}")
            for problem in outcome.problems[:20]:
                context.log.warning(
                    f"{problem.get('file', '')} row {problem.get('row', '')}: {problem.get('message', '')}"
                )
    problems = sum(len(o.problems) for o in outcomes)
    # the days whose readings changed: their marts, river alerts and the snapshot are re-derived from there
    yield from changed_day_materializations(WATER_READINGS_KEY, [], {f"file {o.path.name}": o.days for o in outcomes})
    table = [
        {
            "file": o.path.name,
            "status": o.status,
            "rows_staged": o.rows_staged,
            "rows_rejected": o.rows_rejected,
            "reports_only": o.reports_only,  # the other province's report of the same time is the one used
            "days": ", ".join(map(str, o.days)),
            "moved_to": str(o.moved_to or ""),
            "reason": o.reason,
        }
        for o in outcomes
    ]
    yield dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(o.rows_staged for o in outcomes),
            "files": dg.MetadataValue.md(markdown_table(pl.DataFrame(table), 50) if table else "no file given"),
            "rejected_files": sum(o.status == "rejected" for o in outcomes),
            "problems": problems,  # lines in meta.ingest_problems (this run's e-mail to data operations)
            "days_changed": sorted({str(d) for o in outcomes for d in o.days}),
        }
    )
