"""River assets: the section catalog, the 4-hourly readings of each daily partition, and monitoring-centre files."""


import datetime as dt

import dagster as dg
import polars as pl

from assets.clock import now_cst
from assets.metadata import markdown_table
from assets.partitions import WRITER_POOL, daily_partitions
from assets.quality.checks import batch_usable_result, batch_usable_spec, validation_metadata
from assets.resources import EnvmonSettings, WarehouseResource
from assets.water.ingest import ingest_water_day
from assets.water.landing import process_water_file
from assets.water.sections import border_crossings, load_sections
from assets.water.sources import WaterSourceOptions, get_water_source
from warehouse.partitions import replace_table

WATER_FILES_KEY = dg.AssetKey(["staging", "water_files"])
WATER_READINGS_KEY = dg.AssetKey(["staging", "water_readings"])


@dg.asset(
    key=["seeds", "water_sections"],
    group_name="seeds",
    pool=WRITER_POOL,
    kinds={"duckdb", "csv"},
    description="River section catalog (断面目录): the illustrative demo network, or the CSV in ENVMON_WATER_SECTIONS.",
)
def water_section_catalog(settings: EnvmonSettings, warehouse: WarehouseResource) -> dg.MaterializeResult:
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
    deps=[water_section_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "parquet"},
    check_specs=[batch_usable_spec(WATER_READINGS_KEY)],
    description=(
        "4-hourly river readings (water temperature, pH, DO, conductivity, turbidity, CODMn, NH3-N, TP, TN) per "
        "section for one natural day, from ENVMON_WATER_SOURCE (generator by default): raw batch kept as Parquet, "
        "rows checked and values flagged (staging.water_value_flags), GX suite and Data Docs, the partition "
        "replaced as a whole, rejected rows in quarantine.rejected_rows. Readings from monitoring-centre files "
        "(staging/water_files) live in the same table."
    ),
)
def water_readings(
    context: dg.AssetExecutionContext, settings: EnvmonSettings, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    day = dt.date.fromisoformat(context.partition_key)
    sections = load_sections(settings.water_sections_csv or None)
    options = WaterSourceOptions(settings.generator_seed, settings.generator_fault_rate)
    batch = get_water_source(settings.water_source)(day, sections, options)
    with warehouse.connect() as con:
        result = ingest_water_day(
            con, settings.paths.raw, settings.water_source, day, batch, sections["section_code"], now_cst(),
            data_root=settings.paths.root, max_rejected_share=settings.max_rejected_share,
        )
    validation = result.validation
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": result.staged.height,
            "source": settings.water_source,
            "batch_id": result.batch_id,
            "raw_file": dg.MetadataValue.path(str(result.raw_path)),
            **validation_metadata(validation),
            "sections": result.staged["section_code"].n_unique(),
            **{k: dg.MetadataValue.json(v) if isinstance(v, dict) else v for k, v in batch.summary.items()},
            "preview": dg.MetadataValue.md(markdown_table(result.staged.sort("ts", "section_code"))),
        },
        check_results=[batch_usable_result(validation, settings.max_rejected_share)],
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
    context: dg.AssetExecutionContext, config: WaterFilesConfig, settings: EnvmonSettings, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    sections = load_sections(settings.water_sections_csv or None)
    outcomes = []
    with warehouse.connect() as con:
        for path in config.paths:
            outcome = process_water_file(con, path, settings.paths, sections, now_cst())
            outcomes.append(outcome)
            log = context.log.warning if outcome.status in ("rejected", "missing") else context.log.info
            log(f"{path}: {outcome.status}{' - ' + outcome.reason if outcome.reason else ''}")
            for problem in outcome.problems[:20]:
                context.log.warning(f"{problem.get('file', '')} row {problem.get('row', '')}: {problem.get('message', '')}")
    table = [
        {"file": o.path.name, "status": o.status, "rows_staged": o.rows_staged, "rows_rejected": o.rows_rejected,
         "moved_to": str(o.moved_to or ""), "reason": o.reason}
        for o in outcomes
    ]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(o.rows_staged for o in outcomes),
            "files": dg.MetadataValue.md(markdown_table(pl.DataFrame(table), 50) if table else "no file given"),
            "rejected_files": sum(o.status == "rejected" for o in outcomes),
        }
    )

