"""One monitoring-centre file from the landing folder to staging, archive or rejected/ (no Dagster here).

The steps: hash the content; a hash already loaded -> the file is a duplicate (moved to ``archive/water/duplicates``,
nothing loaded); read it (CSV/XLSX, UTF-8/GBK) and recognise the layout -> an unreadable file or unknown header goes
to ``<data>/rejected/`` with a ``.reason.txt``; rows checked by the row rules (quarantine keeps the bad ones with
their reasons; a truncated row is quarantined whole, so it never replaces a complete reading); a cell that cannot be
read is a problem of that value only (NULL, flagged UNP, its text in ``quarantine.rejected_values``); a file without
a single usable row is rejected as a whole; otherwise the readings are staged and the file moves to
``archive/water/<YYYY-MM>/``. Every outcome is recorded in ``meta.water_files``; whatever the reading met on the way
(truncated rows, normalised codes, formulas without values, extra sheets, readings older than the horizon, the
rejection itself) is a problem line in ``meta.ingest_problems``.

A loaded file commits its readings, flags, quarantine rows, ``meta.batches`` and ``meta.water_files`` rows in one
transaction, and is moved only after that commit. A crash before the commit leaves nothing in the warehouse and the
file in the landing folder, to be loaded again; a crash between the commit and the move leaves the file there with
its hash loaded and its archive place recorded, and the next look at it finishes the move (nothing loaded twice).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.files import BadFileError, check_limits, read_tabular, reject_file
from assets.ingest.limits import InputLimits
from assets.ingest.problems import problem_frame, store_problems
from assets.ingest.symlinks import link_problem
from assets.quality.file_docs import document_file
from assets.quality.row_rules import ALREADY_LOADED, row_conditions
from assets.water.ingest import ingest_water_file_rows
from assets.water.landing_scan import content_hash as file_hash
from assets.water.layouts import parse_water_frame, reference_date
from assets.water.report_choice import preferred_provinces
from assets.water.spec import WATER_READINGS
from warehouse.connection import fetch_one
from warehouse.partitions import transaction
from warehouse.paths import DataPaths

PARTITION_RULES = ("(ts, partition)", ALREADY_LOADED)
SUPERSEDED = ": superseded by a later row"  # the suite's one-row-per-section-and-time rule (row_rules)
DEFAULT_HORIZON_DAYS = 90  # ENVMON_READING_HORIZON_DAYS: older readings in a file are loaded and reported


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
    reports_only: int = 0  # readings kept as the other province's reports only (assets/water/report_choice.py)


def split_file_rows(
    parsed: pl.DataFrame, known_codes: pl.Series, now: dt.datetime, truncated: dict[int, str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(accepted, rejected) by the row rules of the water suite; rejected rows carry ``reasons``. ``truncated``: row
    number -> what the reader said of a row with fewer fields than the header (quarantined whole: its missing
    fields would otherwise replace a complete reading with NULLs).

    Within a file the last row of a section x time wins (a correction comes after the original); of one province
    when the file carries 省份 (a joint file may hold both provinces' reports of one time). The suite's
    partition rules do not apply: a file carries readings of any past day and supersedes what was loaded before."""
    cut = pl.DataFrame(
        {"row_number": list((truncated or {}).keys()), "_cut": list((truncated or {}).values())},
        schema={"row_number": pl.Int64, "_cut": pl.String},
    )
    parsed = parsed.with_columns(pl.col("row_number").cast(pl.Int64)).join(cut, on="row_number", how="left")
    usable = parsed.filter(pl.col("_cut").is_null())  # a truncated row supersedes nothing, in the file or after it
    params = WATER_READINGS.suite_parameters(now.date(), known_codes, now)
    suite_rules = row_conditions(WATER_READINGS, params, already_loaded=parsed.clear().select("section_code", "ts"))
    rules = {
        "unreadable time": pl.col("problems") != "",
        **{name: cond for name, cond in suite_rules.items() if not name.endswith(PARTITION_RULES)},
    }
    if "reporting_province" in parsed.columns:  # both provinces' reports of one time in a joint file are two reports
        rules = {
            name: ~pl.struct("section_code", "ts", "reporting_province").is_last_distinct()
            if name.endswith(SUPERSEDED)
            else cond
            for name, cond in rules.items()
        }
    flagged = usable.with_columns(
        pl.concat_list(
            [
                pl.when(cond.fill_null(True)).then(
                    pl.lit(name) + (": " + pl.col("problems") if name.startswith("unread") else pl.lit(""))
                )
                for name, cond in rules.items()
            ]
        )
        .list.drop_nulls()
        .list.join("; ")
        .alias("reasons")
    )
    cut_rows = parsed.filter(pl.col("_cut").is_not_null()).with_columns(
        reasons=pl.col("_cut") + "; quarantined whole: a truncated row does not replace a reading"
    )
    rejected = pl.concat([flagged.filter(pl.col("reasons") != ""), cut_rows.select(flagged.columns)])
    return flagged.filter(pl.col("reasons") == "").drop("_cut"), rejected.sort("row_number").drop("_cut")


def malformed_lines(problems: list[dict]) -> pl.DataFrame:
    """The lines the CSV reader could not split (a stray quote), for ``quarantine.rejected_rows``: their text kept."""
    bad = [p for p in problems if p.get("kind") == "malformed_line"]
    return pl.DataFrame(
        {
            "row_number": [p["row"] for p in bad],
            "reasons": ["malformed CSV line: a quote that neither opens nor closes a field"] * len(bad),
            "record": [json.dumps({"line": p.get("line", "")}, ensure_ascii=False) for p in bad],
        },
        schema={"row_number": pl.Int64, "reasons": pl.String, "record": pl.String},
    )


def truncated_rows(problems: list[dict]) -> dict[int, str]:
    return {p["row"]: p["message"] for p in problems if p.get("kind") == "truncated_row"}


def old_readings(accepted: pl.DataFrame, path: Path, now: dt.datetime, horizon_days: int) -> list[dict]:
    """One problem line when the file holds readings older than the horizon (a mis-dated file, a yearless file
    given the wrong year, or a late correction to check): they are loaded, and reported."""
    old = accepted.filter(pl.col("ts") < now - dt.timedelta(days=horizon_days))
    if not old.height:
        return []
    first, last = old["ts"].min(), old["ts"].max()
    return [
        {
            "file": str(path),
            "row": int(old["row_number"].min()),
            "field": "time",
            "kind": "old_reading",
            "message": f"{old.height} reading(s) older than {horizon_days} days (ENVMON_READING_HORIZON_DAYS), "
            f"{first:%Y-%m-%d %H:%M} .. {last:%Y-%m-%d %H:%M}: loaded; check the file's dates (a yearless "
            "file takes its year from the date in its name, else its modification time)",
        }
    ]


def unparsable_line(cells: pl.DataFrame, path: Path | str) -> list[dict]:
    """One problem line for a file's unparsable cells (each one is in quarantine.rejected_values)."""
    if not cells.height:
        return []
    shown = "; ".join(
        f"row {r} {f}: {o!r} ({why})"
        for r, f, o, why in cells.select("row_number", "field", "original", "reason").head(3).iter_rows()
    )
    return [
        {
            "file": str(path),
            "row": int(cells["row_number"].min()),
            "field": cells["field"][0],
            "kind": "unparsable",
            "message": f"{cells.height} cell(s) could not be read as numbers "
            f"({shown}{'; ...' if cells.height > 3 else ''}): "
            "NULL, flagged UNP, the text in quarantine.rejected_values; the rest of each reading was loaded",
        }
    ]


def process_water_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    paths: DataPaths,
    sections: pl.DataFrame,
    now: dt.datetime,
    run_id: str | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    max_bytes: int | None = None,
    limits: InputLimits | None = None,
) -> FileOutcome:
    path = Path(path)
    if not (path.exists() or path.is_symlink()):  # already handled by another run (the sensor and `envmon ingest` race)
        return FileOutcome(path, "missing", reason="file no longer in the landing folder")
    link = link_problem(path)
    if link:  # never read: the link itself goes to rejected/
        moved = reject_file(path, paths.rejected, f"{path}: {link}")
        return _rejected(con, FileOutcome(path, "rejected", "", moved, reason=f"{path}: {link}"), now, run_id)
    try:  # a file over a size, width or unpacked limit is refused before it is hashed or read (milliseconds)
        check_limits(path, _limits(limits, max_bytes))
    except BadFileError as exc:
        moved = reject_file(path, paths.rejected, str(exc))
        return _rejected(con, FileOutcome(path, "rejected", "", moved, reason=str(exc)), now, run_id)
    content_hash = file_hash(path)
    loaded = fetch_one(
        con,
        "SELECT file_name, moved_to FROM meta.water_files WHERE content_hash = ? AND status = 'loaded' "
        "ORDER BY received_at DESC LIMIT 1",
        [content_hash],
    )
    if loaded and loaded[0] == path.name and loaded[1] and not Path(loaded[1]).exists():
        _move_to(path, Path(loaded[1]))  # committed, then interrupted before the move: finish it
        return FileOutcome(
            path,
            "loaded",
            content_hash,
            Path(loaded[1]),
            reason="loaded before; archived now (the earlier ingest stopped before moving the file)",
        )
    if loaded:
        moved = _move(path, paths.archive / "water" / "duplicates", content_hash)
        outcome = FileOutcome(path, "duplicate", content_hash, moved, reason="same content already loaded")
        return _record(con, outcome, now)
    problems: list[dict] = []
    try:
        frame = read_tabular(path, problems, with_row_numbers=True, limits=_limits(limits, max_bytes))
        parsed, cells, notes = parse_water_frame(frame, path, sections, reference_date(path))
        problems += notes
        accepted, rejected = split_file_rows(parsed, sections["section_code"], now, truncated_rows(problems))
        document_file(WATER_READINGS, parsed, sections["section_code"], now, paths.root, content_hash)  # Data Docs
        if accepted.height == 0:
            reasons = rejected.group_by("reasons").len().sort("len", descending=True).head(3)
            shown = "; ".join(f"{n} row(s): {r}" for r, n in reasons.iter_rows())
            raise BadFileError(path, f"no usable row ({shown or 'no data rows'})")
    except BadFileError as exc:
        moved = reject_file(path, paths.rejected, str(exc))
        outcome = FileOutcome(path, "rejected", content_hash, moved, reason=str(exc), problems=problems)
        return _rejected(con, outcome, now, run_id)
    problems += old_readings(accepted, path, now, horizon_days) + unparsable_line(cells, path)
    quarantine = pl.concat(
        [rejected.select("row_number", "reasons", "record"), malformed_lines(problems)], how="vertical_relaxed"
    )
    values = cells.join(parsed.select("row_number", "section_code", "ts"), on="row_number", how="left")
    target = _archive_place(path, paths.archive / "water" / now.strftime("%Y-%m"), content_hash)
    with transaction(con):  # one file, one commit (see the module's docstring)
        result = ingest_water_file_rows(
            con,
            paths.raw,
            content_hash,
            frame.drop("_row"),
            accepted,
            quarantine,
            now,
            values=values,
            file=path.name,
            preferred=preferred_provinces(sections),
        )
        outcome = FileOutcome(
            path,
            "loaded",
            content_hash,
            target,
            frame.height,
            result.staged.height,
            quarantine.height,
            problems=problems,
            days=result.changed_days,
            reports_only=result.reports_only,
        )
        _record(con, outcome, now)
        store_problems(con, _problem_lines(outcome, now, run_id))
    _move_to(path, target)
    return outcome


def _limits(limits: InputLimits | None, max_bytes: int | None) -> InputLimits:
    limits = limits or InputLimits.from_env(max_bytes)
    return limits if max_bytes is None else replace(limits, max_file_bytes=max_bytes)


def _rejected(
    con: duckdb.DuckDBPyConnection, outcome: FileOutcome, now: dt.datetime, run_id: str | None
) -> FileOutcome:
    """Record a rejected file with its problem lines, the rejection last (data operations hear of it)."""
    outcome.problems.append(
        {
            "file": str(outcome.path),
            "row": None,
            "field": None,
            "kind": "file_rejected",
            "message": f"{outcome.reason} (moved to {outcome.moved_to})",
        }
    )
    with transaction(con):
        _record(con, outcome, now)
        store_problems(con, _problem_lines(outcome, now, run_id))
    return outcome


def _problem_lines(outcome: FileOutcome, now: dt.datetime, run_id: str | None) -> pl.DataFrame:
    return problem_frame(
        outcome.problems,
        dataset=WATER_READINGS.name,
        source="file",
        batch_id=outcome.content_hash or None,
        day=now.date(),
        run_id=run_id,
        now=now,
    )


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
        [
            o.content_hash,
            o.path.name,
            now,
            o.status,
            o.rows_in,
            o.rows_staged,
            o.rows_rejected,
            str(o.moved_to) if o.moved_to else None,
            o.reason or None,
        ],
    )
    return o
