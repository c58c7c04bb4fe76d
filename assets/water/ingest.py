"""Raw -> staging for river readings: one daily partition of a source, or one monitoring-centre file.

Both keep the raw batch as Parquet, split the rows by the shared row rules (quarantine with reasons), flag values
(``staging.water_value_flags``) and write ``staging.water_readings``. A daily batch goes through the whole
validation layer, GX and Data Docs included. A daily partition is replaced as a whole (idempotent re-runs); a file
is loaded once (its content hash is recorded in ``meta.water_files``) and, being the monitoring centre's own data,
supersedes readings of the same section and time that an earlier batch loaded: those move to quarantine with the
reason, their flags are deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.batches import record_batch
from assets.ingest.days import natural_day, natural_days, staged_days
from assets.ingest.quarantine import quarantine_frame
from assets.ingest.raw_files import write_raw_batch
from assets.quality.specs import LATE_DAYS, partition_bounds
from assets.quality.validate import DEFAULT_MAX_REJECTED_SHARE, ValidationResult, validate_batch
from assets.quality.value_flags import value_flags
from assets.water.report_choice import RULE, choose
from assets.water.sources import TIDY_SCHEMA, WaterBatch
from assets.water.spec import WATER_READINGS
from warehouse.connection import fetch_polars
from warehouse.partitions import insert_frame, registered, replace_rows, transaction

DATASET = WATER_READINGS.name
KEY = WATER_READINGS.key


@dataclass
class WaterIngestResult:
    batch_id: str
    raw_path: Path
    rows_in: int
    staged: pl.DataFrame
    rejected: pl.DataFrame
    flags: pl.DataFrame
    validation: ValidationResult | None = None  # daily batches only
    changed_days: list[dt.date] = field(default_factory=list)  # natural days whose readings changed
    reports: int = 0  # readings kept as their province's reports (staging.water_province_reports)
    reports_only: int = 0  # of those, the ones the statistics do not use (the other province's report is preferred)


def ingest_water_day(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    source: str,
    day: dt.date,
    batch: WaterBatch,
    known_codes: pl.Series,
    now: dt.datetime,
    data_root: Path | None = None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
) -> WaterIngestResult:
    """``data_root``: run the GX suite and build Data Docs under it (None: the Polars rules only)."""
    batch_id, raw_path = write_raw_batch(raw_root, DATASET, source, day.isoformat(), batch.rows)
    mine = "source = ? AND load_partition = ?"
    owned_elsewhere = fetch_polars(
        con,
        f"SELECT section_code, ts FROM staging.water_readings "
        f"WHERE NOT ({mine}) AND ts >= ? - INTERVAL 8 DAY AND ts <= ? + INTERVAL 2 DAY",
        [source, day, day, day],
    )
    start, _ = partition_bounds(day)
    validation = validate_batch(
        WATER_READINGS,
        batch.rows,
        day,
        known_codes,
        owned_elsewhere,
        now,
        context=_context(con, start - dt.timedelta(days=LATE_DAYS + 1), start, (source, day)),
        data_root=data_root if batch.rows.height or batch.daily_feed else None,
        max_rejected_share=max_rejected_share,
        batch_name=f"{DATASET}-{day.isoformat()}-{batch_id}",
        allow_empty=not batch.daily_feed,
    )
    origin = {"source": pl.lit(source), "batch_id": pl.lit(batch_id), "load_partition": pl.lit(day)}
    staged = validation.accepted.with_columns(**origin)
    flags = validation.flags.with_columns(**origin)
    changed = staged_days(con, "staging.water_readings", mine, [source, day]) | set(natural_days(staged["ts"]))
    with transaction(con):  # readings without their flags would let invalid values into the classes
        replace_rows(con, "staging.water_readings", staged, mine, [source, day])
        replace_rows(con, "staging.water_value_flags", flags, mine, [source, day])
        replace_rows(
            con,
            "quarantine.rejected_rows",
            quarantine_frame(validation.rejected, DATASET, source, batch_id, day, now),
            "dataset = ? AND " + mine,
            [DATASET, source, day],
        )
    record_batch(
        con,
        DATASET,
        source,
        day,
        batch_id,
        raw_path,
        batch.rows.height,
        staged.height,
        validation.rejected.height,
        replaces=("dataset", "source", "load_partition"),
        received_at=now,
    )
    return WaterIngestResult(
        batch_id, raw_path, batch.rows.height, staged, validation.rejected, flags, validation, sorted(changed)
    )


def _context(
    con: duckdb.DuckDBPyConnection,
    since: dt.datetime,
    until: dt.datetime,
    not_partition: tuple[str, dt.date] | None = None,
    not_batch: str | None = None,
) -> pl.DataFrame:
    """Staged readings in [since, until) of other batches: the neighbours that spikes and stuck runs look at across
    a batch's edges. Only earlier readings for a daily batch, so that its flags do not depend on whether the
    next day was loaded (re-runs stay identical)."""
    values = ", ".join(WATER_READINGS.values)
    where, params = "ts >= ? AND ts < ?", [since, until]
    if not_partition:
        where += " AND NOT (source = ? AND load_partition = ?)"
        params += list(not_partition)
    if not_batch:
        where += " AND batch_id <> ?"
        params.append(not_batch)
    return fetch_polars(con, f"SELECT section_code, ts, {values} FROM staging.water_readings WHERE {where}", params)


def ingest_water_file_rows(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    content_hash: str,
    original: pl.DataFrame,
    rows: pl.DataFrame,
    rejected: pl.DataFrame,
    now: dt.datetime,
    *,
    values: pl.DataFrame | None = None,
    file: str | None = None,
    preferred: dict[str, str] | None = None,
) -> WaterIngestResult:
    """Stage a parsed file's accepted ``rows``; ``rejected`` (row_number, reasons, record = the original cells as
    JSON) to quarantine; ``values``: the file's unparsable cells (row_number, field, parameter, original, reason,
    section_code, ts) to ``quarantine.rejected_values``, each one flagged UNP on its staged reading (the value is
    NULL there, the rest of the reading stays); record the batch. Within the caller's transaction: the caller commits
    these writes together with the file's own record (``assets.water.landing``).

    ``original`` is the file as read (all strings), kept as the raw batch.

    Rows with a ``reporting_province`` (省份) are also kept as that province's reports
    (``staging.water_province_reports``); where the other province already reported the same section and time,
    ``preferred`` (section -> province, ``assets.water.report_choice``) decides which report is the staged value.
    """
    source, received = "file", now.date()
    _, raw_path = write_raw_batch(raw_root, DATASET, source, received.isoformat(), original)
    if "reporting_province" not in rows.columns:
        rows = rows.with_columns(reporting_province=pl.lit(None, pl.String))
    for table in (
        "staging.water_readings",
        "staging.water_value_flags",
        "quarantine.rejected_rows",
        "quarantine.rejected_values",
    ):
        # rows of this very file from an earlier, interrupted load (never committed since loads are one
        # transaction; kept as a guard so that loading a file again can never duplicate a reading)
        con.execute(f"DELETE FROM {table} WHERE source = ? AND batch_id = ?", [source, content_hash])
    con.execute("DELETE FROM staging.water_province_reports WHERE batch_id = ?", [content_hash])
    chosen = choose(con, rows, preferred or {}, content_hash)
    staged = chosen.select(TIDY_SCHEMA.keys()).with_columns(
        source=pl.lit(source), batch_id=pl.lit(content_hash), load_partition=natural_day(pl.col("ts"))
    )
    first, last = staged["ts"].min(), staged["ts"].max()
    margin = dt.timedelta(days=LATE_DAYS + 1)
    context = _context(con, first - margin, last + margin, not_batch=content_hash) if staged.height else None
    values = values if values is not None else pl.DataFrame(schema=VALUE_SCHEMA)
    unparsable = values.join(chosen.select(pl.col("row_number").cast(pl.Int64)), on="row_number", how="semi").select(
        "section_code", "ts", "parameter", flag_code=pl.lit("UNP")
    )
    flags = pl.concat([value_flags(WATER_READINGS, staged, context), unparsable]).with_columns(
        source=pl.lit(source), batch_id=pl.lit(content_hash), load_partition=natural_day(pl.col("ts"))
    )
    quarantined = (
        pl.DataFrame(
            {
                "dataset": DATASET,
                "source": source,
                "batch_id": content_hash,
                "load_partition": received,
                "received_at": now,
                "row_number": rejected["row_number"].cast(pl.Int64),
                "record": rejected["record"],
                "reasons": rejected["reasons"],
                "file": file,
            },
            schema_overrides={"received_at": pl.Datetime("us"), "file": pl.String},
        )
        if rejected.height
        else pl.DataFrame()
    )
    cells = values.select(
        dataset=pl.lit(DATASET),
        source=pl.lit(source),
        batch_id=pl.lit(content_hash),
        load_partition=pl.lit(received),
        received_at=pl.lit(now, pl.Datetime("us")),
        file=pl.lit(file, pl.String),
        row_number="row_number",
        field="field",
        key="section_code",
        ts="ts",
        parameter="parameter",
        original="original",
        reason="reason",
    )
    superseded = _supersede(con, staged, content_hash, now)
    reports = _replace_reports(con, rows, content_hash, file, now)
    insert_frame(con, "staging.water_readings", staged)
    insert_frame(con, "staging.water_value_flags", flags)
    for frame in (quarantined, superseded):
        insert_frame(con, "quarantine.rejected_rows", frame)
    insert_frame(con, "quarantine.rejected_values", cells)
    record_batch(
        con,
        DATASET,
        source,
        received,
        content_hash,
        raw_path,
        original.height,
        staged.height,
        rejected.height,
        replaces=("dataset", "source", "load_partition", "batch_id"),
        within_transaction=True,
        received_at=now,
    )
    # every day the file reports, staged or kept as a report only (the comparison marts change either way)
    return WaterIngestResult(
        content_hash,
        raw_path,
        original.height,
        staged,
        rejected,
        flags,
        changed_days=natural_days(rows["ts"]),
        reports=reports,
        reports_only=rows.height - chosen.height,
    )


VALUE_SCHEMA = {
    "row_number": pl.Int64,
    "field": pl.String,
    "parameter": pl.String,
    "original": pl.String,
    "reason": pl.String,
    "section_code": pl.String,
    "ts": pl.Datetime("us"),
}


def _supersede(
    con: duckdb.DuckDBPyConnection, staged: pl.DataFrame, content_hash: str, now: dt.datetime
) -> pl.DataFrame:
    """Take out of staging the readings this file replaces; returns them as quarantine records."""
    if not staged.height:
        return pl.DataFrame()
    with registered(con, "_keys", staged.select(KEY, "ts")):
        old = fetch_polars(
            con,
            "SELECT w.*, r.reporting_province AS _province FROM staging.water_readings w "
            "JOIN _keys k USING (section_code, ts) "
            "LEFT JOIN staging.water_province_reports r ON r.section_code = w.section_code AND r.ts = w.ts "
            "AND r.batch_id = w.batch_id WHERE w.batch_id <> ?",
            [content_hash],
        )
        for table in ("staging.water_readings", "staging.water_value_flags"):
            con.execute(
                f"DELETE FROM {table} w USING _keys k "
                "WHERE w.section_code = k.section_code AND w.ts = k.ts AND w.batch_id <> ?",
                [content_hash],
            )
    if not old.height:
        return pl.DataFrame()
    record = (
        old.drop("source", "batch_id", "load_partition", "_province")
        .select(pl.struct(pl.all()).struct.json_encode())
        .to_series()
    )
    reason = f"superseded by monitoring-centre file (batch {content_hash})"
    kept = (
        f"{reason}; this report of " + pl.col("_province") + " stays in staging.water_province_reports (" + RULE + ")"
    )
    return pl.DataFrame(
        {
            "dataset": DATASET,
            "source": old["source"],
            "batch_id": old["batch_id"],
            "load_partition": old["load_partition"],
            "received_at": now,
            "row_number": pl.Series([None] * old.height, dtype=pl.Int64),
            "record": record,
            "reasons": old.select(
                pl.when(pl.col("_province").is_null()).then(pl.lit(reason)).otherwise(kept)
            ).to_series(),
        },
        schema_overrides={"received_at": pl.Datetime("us")},
    )


def _replace_reports(
    con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, content_hash: str, file: str | None, now: dt.datetime
) -> int:
    """Keep the file's readings that carry 省份 as that province's reports; a province's later report of the same
    section and time replaces its own earlier one (its raw batch stays under raw/). Within the caller's transaction."""
    reports = rows.filter(pl.col("reporting_province").is_not_null()).select(
        *TIDY_SCHEMA.keys(),
        "reporting_province",
        batch_id=pl.lit(content_hash),
        file=pl.lit(file, pl.String),
        received_at=pl.lit(now, pl.Datetime("us")),
        load_partition=natural_day(pl.col("ts")),
    )
    if reports.height:
        with registered(con, "_reports", reports.select("section_code", "ts", "reporting_province")):
            con.execute(
                "DELETE FROM staging.water_province_reports r USING _reports k WHERE r.section_code = k.section_code "
                "AND r.ts = k.ts AND r.reporting_province = k.reporting_province"
            )
    return insert_frame(con, "staging.water_province_reports", reports)
