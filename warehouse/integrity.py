"""Is a warehouse file whole? Read its tables through, so that DuckDB checks the checksum of every block it reads.

DuckDB stores a checksum with each 256 KiB block and verifies it when the block is read from disk, not before: a
file with a damaged block opens, answers ``count(*)`` (from the row-group metadata) and is copied without a word,
and only the query that reaches the block fails ("Corrupt database file: computed checksum … does not match").
DuckDB 2.0 has no integrity pragma, so the check reads every column of every table it is given: one aggregate
per column (``bit_xor(hash(col))``), which has to decompress each segment, hence read each of its blocks. The
catalog's own blocks are read when the file is opened, so a damaged catalog fails the open, which counts too.

Not read: the blocks of ART indexes (the few primary keys of the bookkeeping tables), which DuckDB loads only
when an insert or a lookup needs them; a damaged index block shows at the next write of that table.

The check runs on the copy about to be published or kept as a backup (``warehouse.snapshot``), in a connection of
its own: the blocks come from the disk, not from a writer's buffer pool.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import duckdb

CORRUPT_MARKERS = ("Corrupt database file", "does not match stored checksum", "not a valid DuckDB database file")
FIX = "restore the last good backup (docs/deployment.md, 11. Restore)"


class CorruptWarehouseError(RuntimeError):
    """A warehouse file whose blocks fail DuckDB's checksums; the message is one line: file, table, fix."""

    def __init__(self, path: Path, table: str | None, detail: str):
        self.path, self.table, self.detail = Path(path), table, detail
        where = f" (table {table})" if table else ""
        super().__init__(f"corrupt warehouse {path}{where}: nothing published or copied; {FIX}; DuckDB: {detail}")


@dataclass(frozen=True)
class CheckResult:
    tables: int
    columns: int
    seconds: float


def corrupt_marker(warehouse: Path) -> Path:
    """``warehouse.duckdb.corrupt``: the file's last integrity error, until a full check passes (a restore)."""
    return warehouse.with_name(warehouse.name + ".corrupt")


def mark_corrupt(warehouse: Path, error: CorruptWarehouseError) -> CorruptWarehouseError:
    try:
        corrupt_marker(warehouse).write_text(f"{error}\n", encoding="utf-8")
    except OSError:
        pass  # a read-only or full data folder: the error itself still stops the publish
    return error


def is_corruption(error: BaseException | str) -> bool:
    text = str(error)
    return any(marker in text for marker in CORRUPT_MARKERS)


def check_tables(path: Path, only: Collection[str] | None = None, *, source: Path | None = None) -> CheckResult:
    """Read every column of the tables of ``path`` (all, or those named in ``only``: ``schema``, ``schema.table``
    or a pattern such as ``staging.air_*``); ``CorruptWarehouseError`` at the first bad block, naming ``source``
    (the file the copy came from)."""
    named = Path(source or path)
    started = time.monotonic()
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:  # a damaged header or catalog fails the open
        if is_corruption(exc):
            raise CorruptWarehouseError(named, None, _first_line(exc)) from None
        raise
    columns = 0
    try:
        con.execute("SET enable_progress_bar = false")  # a long check would draw DuckDB's bar on stdout
        tables = _tables(con, only)
        for schema, table, names in tables:
            if not names:
                continue
            hashed = ", ".join(f'bit_xor(hash("{n}"))' for n in (c.replace('"', '""') for c in names))
            try:
                con.execute(f'SELECT {hashed} FROM "{schema}"."{table}"').fetchall()
            except duckdb.Error as exc:
                if is_corruption(exc):
                    raise CorruptWarehouseError(named, f"{schema}.{table}", _first_line(exc)) from None
                raise
            columns += len(names)
    finally:
        con.close()
    return CheckResult(len(tables), columns, time.monotonic() - started)


def _tables(con: duckdb.DuckDBPyConnection, only: Collection[str] | None) -> list[tuple[str, str, list[str]]]:
    rows = con.execute(
        "SELECT t.schema_name, t.table_name, list(c.column_name ORDER BY c.column_index) "
        "FROM duckdb_tables() t JOIN duckdb_columns() c USING (database_name, schema_name, table_name) "
        "WHERE t.database_name = current_database() GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    if only is None:
        return rows
    return [r for r in rows if any(fnmatch.fnmatchcase(f"{r[0]}.{r[1]}", w) or r[0] == w for w in only)]


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
