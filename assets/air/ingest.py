"""Raw -> staging for one air partition: keep the batch (and a file source's original files), validate it
(quarantine, value flags, GX + Data Docs), replace the partition's rows, flags, quarantine (rows, and the cells
the source could not read, flagged UNP) and problem lines in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from assets.air.sources import AirBatch
from assets.ingest.batches import record_batch
from assets.ingest.days import natural_days, staged_days
from assets.ingest.files import BadFileError, reject_copy
from assets.ingest.problems import problem_frame, store_problems
from assets.ingest.quarantine import quarantine_frame
from assets.ingest.raw_files import keep_originals, write_raw_batch
from assets.quality.specs import AIR_HOURLY, LATE_DAYS, partition_bounds
from assets.quality.validate import DEFAULT_MAX_REJECTED_SHARE, ValidationResult, validate_batch
from warehouse.connection import fetch_polars
from warehouse.partitions import replace_partition, replace_rows, transaction

DATASET = "air_hourly"


@dataclass
class IngestResult:
    batch_id: str
    raw_path: Path
    rows_in: int
    staged: pl.DataFrame
    rejected: pl.DataFrame
    validation: ValidationResult
    # natural days whose readings this batch changed: its own day, and the days of late rows it brought or took
    # back (a partition may hold readings up to LATE_DAYS old)
    changed_days: list[dt.date] = field(default_factory=list)
    originals: list[Path] = field(default_factory=list)  # a file source's files, kept under raw/


def ingest_air_batch(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    source: str,
    day: dt.date,
    batch: AirBatch,
    known_codes: pl.Series,
    now: dt.datetime,
    data_root: Path | None = None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    *,
    run_id: str | None = None,
    rejected_dir: Path | None = None,
) -> IngestResult:
    """``data_root``: run the GX suite and build Data Docs under it (None: the Polars rules only); ``run_id``: the
    run the problem lines belong to; ``rejected_dir``: where copies of the source's unreadable files go."""
    if not batch.measured:
        return ingest_modelled_batch(con, raw_root, source, day, batch, now)
    partition = day.isoformat()
    batch_id, raw_path = write_raw_batch(raw_root, DATASET, source, partition, batch.rows)
    originals = keep_originals(raw_root / DATASET / source / "files", batch.source_files)
    for path, reason in batch.unreadable if rejected_dir else ():
        reject_copy(path, rejected_dir, reason)
    owned_elsewhere = fetch_polars(
        con,
        "SELECT station_code, ts FROM staging.air_hourly WHERE load_partition <> ? AND ts >= ? - INTERVAL 8 DAY",
        [day, day],
    )
    # Earlier hours already staged by other partitions: spikes and stuck runs cross the day boundary. Only hours
    # before this partition's day, so that a partition's flags do not depend on whether the next day was loaded
    # (re-runs stay identical); the day's last hour therefore never gets SPK (it has no next hour yet).
    start, _ = partition_bounds(day)
    context = fetch_polars(
        con,
        "SELECT station_code, ts, pm25, pm10, so2, no2, o3, co FROM staging.air_hourly "
        "WHERE load_partition <> ? AND ts >= ? AND ts < ?",
        [day, start - dt.timedelta(days=LATE_DAYS, hours=24), start],
    )
    validation = validate_batch(
        AIR_HOURLY,
        batch.rows,
        day,
        known_codes,
        owned_elsewhere,
        now,
        context=context,
        data_root=data_root,
        max_rejected_share=max_rejected_share,
        batch_name=f"{DATASET}-{partition}-{batch_id}",
    )
    accepted, rejected = validation.accepted, validation.rejected
    staged = accepted.with_columns(source=pl.lit(source), batch_id=pl.lit(batch_id), load_partition=pl.lit(day))
    where = "load_partition = ?"
    values = _kept_out(batch.rejected_values, source, batch_id, day, now)
    flags = (
        pl.concat([validation.flags, _unparsable_flags(values, accepted)])
        .rename({"parameter": "pollutant"})
        .with_columns(load_partition=pl.lit(day))
    )
    changed = staged_days(con, "staging.air_hourly", where, [day]) | set(natural_days(staged["ts"]))
    quarantined = pl.concat(
        [
            quarantine_frame(rejected, DATASET, source, batch_id, day, now),
            _kept_out(batch.rejected_lines, source, batch_id, day, now),
        ],
        how="diagonal_relaxed",
    )
    problems = problem_frame(
        batch.problems, dataset=DATASET, source=source, batch_id=batch_id, day=day, run_id=run_id, now=now
    )
    with transaction(con):  # readings without their flags would let invalid values into the statistics
        replace_rows(con, "staging.air_hourly", staged, where, [day])
        replace_rows(con, "staging.air_value_flags", flags, where, [day])
        for table, frame in (("quarantine.rejected_rows", quarantined), ("quarantine.rejected_values", values)):
            replace_rows(con, table, frame, "dataset = ? AND load_partition = ?", [DATASET, day])
        store_problems(con, problems, replace={"dataset": DATASET, "day": day})
    _write_side_tables(con, batch, day)
    record_batch(
        con,
        DATASET,
        source,
        day,
        batch_id,
        raw_path,
        batch.rows.height,
        staged.height,
        rejected.height,
        received_at=now,
    )
    return IngestResult(batch_id, raw_path, batch.rows.height, staged, rejected, validation, sorted(changed), originals)


def _kept_out(frame: pl.DataFrame | None, source: str, batch_id: str, day: dt.date, now: dt.datetime) -> pl.DataFrame:
    """What the source kept out (unreadable cells, or lines with file, row_number, record, reasons) as quarantine
    records of this batch."""
    if frame is None or not frame.height:
        return pl.DataFrame()
    return frame.with_columns(
        dataset=pl.lit(DATASET),
        source=pl.lit(source),
        batch_id=pl.lit(batch_id),
        load_partition=pl.lit(day),
        received_at=pl.lit(now, pl.Datetime("us")),
    )


def _unparsable_flags(values: pl.DataFrame, accepted: pl.DataFrame) -> pl.DataFrame:
    """UNP on the accepted readings whose value the source could not read (the value is NULL, the reading stays)."""
    schema = {"station_code": pl.String, "ts": pl.Datetime("us"), "parameter": pl.String, "flag_code": pl.String}
    if not values.height:
        return pl.DataFrame(schema=schema)
    return (
        values.filter(pl.col("parameter").is_in(list(AIR_HOURLY.values)))
        .select(
            station_code="key",
            ts="ts",
            parameter="parameter",
            flag_code=pl.lit("UNP"),
        )
        .join(accepted.select("station_code", "ts"), on=["station_code", "ts"], how="semi")
        .unique()
        .cast(schema)
    )


def record_unreadable(
    con: duckdb.DuckDBPyConnection,
    exc: BadFileError,
    rejected_dir: Path,
    source: str,
    day: dt.date,
    run_id: str | None,
    now: dt.datetime,
) -> Path | None:
    """The day's own input file cannot be used: a copy goes to rejected/ with the reason (the original stays in
    the source's folder) and a problem line names it; the caller then fails the day with the same error."""
    copy = reject_copy(exc.path, rejected_dir, str(exc)) if exc.path.is_file() and not exc.path.is_symlink() else None
    line = {
        "file": str(exc.path),
        "row": exc.row,
        "field": exc.field,
        "kind": "file_rejected",
        "message": f"{exc}" + (f" (a copy with its reason in {copy.parent})" if copy else ""),
    }
    with transaction(con):
        store_problems(
            con,
            problem_frame([line], dataset=DATASET, source=source, batch_id=None, day=day, run_id=run_id, now=now),
            replace={"dataset": DATASET, "day": day},
        )
    return copy


def ingest_modelled_batch(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    source: str,
    day: dt.date,
    batch: AirBatch,
    now: dt.datetime | None = None,
) -> IngestResult:
    """Modelled values (per area, not measured at a station) go to their own tables only; the partition's station
    readings, flags and quarantine stay as they are, so they never count toward capture or compliance."""
    modelled = (
        pl.concat([f for f in batch.side_tables.values() if f.height], how="diagonal_relaxed")
        if any(f.height for f in batch.side_tables.values())
        else pl.DataFrame()
    )
    batch_id, raw_path = write_raw_batch(raw_root, "air_modelled", source, day.isoformat(), modelled)
    _write_side_tables(con, batch, day)
    record_batch(
        con, "air_modelled", source, day, batch_id, raw_path, modelled.height, modelled.height, 0, received_at=now
    )
    no_station_rows = pl.DataFrame(schema=AIR_HOURLY.schema)
    validation = ValidationResult(
        rows_in=modelled.height,
        accepted=no_station_rows,
        rejected=no_station_rows.with_columns(row_number=pl.lit(None, pl.UInt32), reasons=pl.lit(None, pl.String)),
        flags=pl.DataFrame(
            schema={"station_code": pl.String, "ts": pl.Datetime("us"), "parameter": pl.String, "flag_code": pl.String}
        ),
        unusable=[] if modelled.height else ["empty batch: the source delivered no modelled rows"],
    )
    return IngestResult(batch_id, raw_path, modelled.height, no_station_rows, validation.rejected, validation)


def _write_side_tables(con: duckdb.DuckDBPyConnection, batch: AirBatch, day: dt.date) -> None:
    for table, frame in batch.side_tables.items():
        replace_partition(con, table, frame.with_columns(load_partition=pl.lit(day)), "load_partition = ?", [day])
