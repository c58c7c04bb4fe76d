"""``envmon export "SQL" --output FILE``: a query's result written to the one file the user names.

The query runs through the read-only path of ``envmon query`` (SELECT only, no file access from SQL); this
command, not DuckDB, writes the file: to a temporary name beside it, renamed into place when complete. It refuses
paths inside the data folder (the pipeline would take a file in ``landing/`` for a monitoring-centre file, send
one in ``outbox/``, or read one over the warehouse), folders that do not exist, and existing files unless
``--force``.

Like ``envmon query`` it imports no Dagster and no Great Expectations; Polars only for the formats it writes
(XLSX, Parquet, JSON). CSV and XLSX cells hold no nested values: lists and structs become their JSON text.
"""

import os
import sys
from pathlib import Path

from pipelines.commands.query import add_limit_options
from pipelines.commands.query import validate as validate_limits
from warehouse.paths import DataPaths
from warehouse.query import guarded_query
from warehouse.query_output import cell_text, write_csv

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".json": "json"}


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export", help="write the result of one SELECT on the snapshot to a file (csv, xlsx, parquet, json)"
    )
    p.add_argument("sql", help="e.g. \"SELECT * FROM marts.air_station_daily WHERE day >= DATE '2026-01-01'\"")
    p.add_argument(
        "--output", "-o", required=True, type=Path, help="the file to write (.csv, .xlsx, .parquet or .json)"
    )
    p.add_argument("--format", choices=sorted(set(FORMATS.values())), help="default: from the file's suffix")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    add_limit_options(p)


NEEDS_INSTANCE = False
validate = validate_limits


def check_target(output: Path, data_root: Path, force: bool) -> Path:
    target = Path(os.path.abspath(output))
    if not target.parent.is_dir():
        raise ValueError(f"{target.parent}: no such folder (create it first; export writes only the file you name)")
    real = target.parent.resolve() / target.name
    if real == data_root or data_root in real.parents:
        raise ValueError(
            f"{target}: inside the data folder {data_root}, which only the pipeline writes; choose a path outside it"
        )
    if target.is_dir():
        raise ValueError(f"{target}: is a folder; give a file name")
    if (target.exists() or target.is_symlink()) and not force:
        raise ValueError(f"{target}: exists; use --force to replace it")
    return target


def write_result(con, sql: str, target: Path, fmt: str) -> tuple[int, int]:
    """The query's result written to ``target`` (through a temporary file); returns (rows, columns)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                rows = write_csv(con, sql, out)
            shape = (rows, len(con.sql(sql).columns))
        else:
            frame = con.sql(sql).pl()
            shape = frame.shape
            if fmt == "parquet":
                frame.write_parquet(tmp)
            elif fmt == "json":
                frame.write_json(tmp)
            else:
                flat_cells(frame).write_excel(tmp, worksheet="result", autofit=True)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return shape


def flat_cells(frame):
    """Nested columns (lists, structs, arrays) as their JSON text: a spreadsheet cell holds one value."""
    import polars as pl

    nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
    return frame.with_columns(
        pl.Series(n, [None if v is None else cell_text(v) for v in frame[n].to_list()], dtype=pl.String) for n in nested
    )


def main(args) -> int:
    paths = DataPaths.from_env()
    fmt = args.format or FORMATS.get(args.output.suffix.lower())
    if not fmt:
        raise ValueError(f"{args.output}: unknown suffix; use .csv, .xlsx, .parquet or .json, or give --format")
    target = check_target(args.output, paths.root.resolve(), args.force)
    with guarded_query(paths.snapshot, args.sql, args.timeout, args.memory) as con:
        rows, columns = write_result(con, args.sql, target, fmt)
    print(f"envmon export: {rows:,} row(s), {columns} column(s) -> {target}", file=sys.stderr)
    return 0
