"""One monitoring-centre file from the landing folder to staging, archive or rejected/ (no Dagster here).

The steps: hash the content; a hash already loaded -> the file is a duplicate (moved to ``archive/water/duplicates``,
nothing loaded); read it (CSV/XLSX, UTF-8/GBK) and recognise the layout -> an unreadable file or unknown header goes
to ``<data>/rejected/`` with a ``.reason.txt``; rows checked by the row rules (quarantine keeps the bad ones with
their reasons); a file without a single usable row is rejected as a whole; otherwise the readings are staged and
the file moves to ``archive/water/<YYYY-MM>/``. Every outcome is recorded in ``meta.water_files``.

A loaded file commits its readings, flags, quarantine rows, ``meta.batches`` and ``meta.water_files`` rows in one
transaction, and is moved only after that commit. A crash before the commit leaves nothing in the warehouse and the
file in the landing folder, to be loaded again; a crash between the commit and the move leaves the file there with
its hash loaded and its archive place recorded, and the next look at it finishes the move (nothing loaded twice).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.files import BadFileError, read_tabular, reject_file
from assets.ingest.symlinks import link_problem
from assets.quality.file_docs import document_file
from assets.quality.row_rules import ALREADY_LOADED, row_conditions
from assets.water.ingest import ingest_water_file_rows
from assets.water.landing_scan import content_hash as file_hash
from assets.water.layouts import parse_water_frame, reference_date
from assets.water.spec import WATER_READINGS
from warehouse.connection import fetch_one
from warehouse.partitions import transaction
from warehouse.paths import DataPaths


PARTITION_RULES = ("(ts, partition)", ALREADY_LOADED)


@dataclass
class FileOutcome:
    path: Path
    status: str  # loaded | duplicate | rejected | missing
    content_hash: str = ""
    moved_to: Path | None = None
    rows_in: int = 0
    rows_staged: int = 0
    rows_rejected: int = 0
    reason: str = ""
    problems: list[dict] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)  # natural days of the readings it staged


def split_file_rows(parsed: pl.DataFrame, known_codes: pl.Series, now: dt.datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(accepted, rejected) by the row rules of the water suite; rejected rows carry ``reasons``.

    Within a file the last row of a section x time wins (a correction comes after the original). The suite's
    partition rules do not apply: a file carries readings of any past day and supersedes what was loaded before."""
    params = WATER_READINGS.suite_parameters(now.date(), known_codes, now)
    suite_rules = row_conditions(WATER_READINGS, params, already_loaded=parsed.clear().select("section_code", "ts"))
    rules = {
        "unreadable cell(s)": pl.col("problems") != "",
        **{name: cond for name, cond in suite_rules.items() if not name.endswith(PARTITION_RULES)},
    }
    flagged = parsed.with_columns(
        pl.concat_list([
            pl.when(cond.fill_null(True)).then(pl.lit(name) + (": " + pl.col("problems") if name.startswith("unread") else pl.lit("")))
            for name, cond in rules.items()
        ]).list.drop_nulls().list.join("; ").alias("reasons")
    )
    return flagged.filter(pl.col("reasons") == ""), flagged.filter(pl.col("reasons") != "")


def process_water_file(
    con: duckdb.DuckDBPyConnection, path: Path, paths: DataPaths, sections: pl.DataFrame, now: dt.datetime
) -> FileOutcome:
    path = Path(path)
    if not (path.exists() or path.is_symlink()):  # already handled by another run (the sensor and `envmon ingest` race)
        return FileOutcome(path, "missing", reason="file no longer in the landing folder")
    link = link_problem(path)
    if link:  # never read: the link itself goes to rejected/
        moved = reject_file(path, paths.rejected, f"{path}: {link}")
        return _record(con, FileOutcome(path, "rejected", "", moved, reason=f"{path}: {link}"), now)
    content_hash = file_hash(path)
    loaded = fetch_one(
        con, "SELECT file_name, moved_to FROM meta.water_files WHERE content_hash = ? AND status = 'loaded' "
        "ORDER BY received_at DESC LIMIT 1", [content_hash],
    )
    if loaded and loaded[0] == path.name and loaded[1] and not Path(loaded[1]).exists():
        _move_to(path, Path(loaded[1]))  # committed, then interrupted before the move: finish it
        return FileOutcome(path, "loaded", content_hash, Path(loaded[1]),
                           reason="loaded before; archived now (the earlier ingest stopped before moving the file)")
    if loaded:
        moved = _move(path, paths.archive / "water" / "duplicates", content_hash)
        outcome = FileOutcome(path, "duplicate", content_hash, moved, reason="same content already loaded")
        return _record(con, outcome, now)
    problems: list[dict] = []
    try:
        frame = read_tabular(path, problems, with_row_numbers=True)
        parsed = parse_water_frame(frame, path, sections, reference_date(path))
        accepted, rejected = split_file_rows(parsed, sections["section_code"], now)
        document_file(WATER_READINGS, parsed, sections["section_code"], now, paths.root, content_hash)  # Data Docs
        if accepted.height == 0:
            reasons = rejected.group_by("reasons").len().sort("len", descending=True).head(3)
            shown = "; ".join(f"{n} row(s): {r}" for r, n in reasons.iter_rows())
            raise BadFileError(path, f"no usable row ({shown or 'no data rows'})")
    except BadFileError as exc:
        moved = reject_file(path, paths.rejected, str(exc))
        return _record(con, FileOutcome(path, "rejected", content_hash, moved, reason=str(exc), problems=problems), now)
    quarantine = rejected.select("row_number", "reasons", "record")
    target = _archive_place(path, paths.archive / "water" / now.strftime("%Y-%m"), content_hash)
    with transaction(con):  # one file, one commit (see the module's docstring)
        result = ingest_water_file_rows(con, paths.raw, content_hash, frame.drop("_row"), accepted, quarantine, now)
        outcome = FileOutcome(path, "loaded", content_hash, target, frame.height, result.staged.height, rejected.height,
                              problems=problems, days=result.changed_days)
        _record(con, outcome, now)
    _move_to(path, target)
    return outcome


def _archive_place(path: Path, folder: Path, content_hash: str) -> Path:
    target = folder / path.name
    if target.exists():  # keep earlier files: another file of the same name gets its hash in the name
        target = folder / f"{path.stem}.{content_hash[:8]}{path.suffix}"
    return target


def _move(path: Path, folder: Path, content_hash: str) -> Path:
    return _move_to(path, _archive_place(path, folder, content_hash))


def _move_to(path: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():  # an allowed link (ENVMON_ALLOW_SYMLINKS): the archive keeps the content, not the link
        shutil.copy2(path, target)
        path.unlink()
    else:
        shutil.move(str(path), target)
    return target


def _record(con: duckdb.DuckDBPyConnection, o: FileOutcome, now: dt.datetime) -> FileOutcome:
    con.execute(
        "INSERT INTO meta.water_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [o.content_hash, o.path.name, now, o.status, o.rows_in, o.rows_staged, o.rows_rejected,
         str(o.moved_to) if o.moved_to else None, o.reason or None],
    )
    return o
