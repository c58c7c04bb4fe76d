"""Malformed CSV lines: one stray quote must not cost the whole file.

A ``"`` that does not open and close a field (``12"1``, an unclosed ``"abc``) makes a CSV parser read on to the next
quote, swallowing the lines in between, and Polars then refuses the file. A line is well-formed when each of its
fields is either free of quotes or quoted whole (``"a, b"``, a quote inside it doubled: ``"5"" pipe"``). The other
lines are found in the same streamed scan that counts fields (``files._ragged_rows``), reported one problem line
each (``malformed_line``: file, row, the line's start), and read as empty lines, so that every other line is read
and the row numbers stay those of the file. River files quarantine them with their text (``assets.water.landing``).

A quoted field that spans lines (legal CSV, never seen in monitoring exports) is read as malformed lines too.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

FIELD = r'(?:"(?:[^"]|"")*"|[^",]*)'
WELL_FORMED = rf"^{FIELD}(?:,{FIELD})*\r?$"
SHOWN = 120  # characters of a malformed line in its problem line


def malformed(lines: pl.LazyFrame) -> pl.LazyFrame:
    """(row, line) of the lines with a quote that is not well-formed; ``lines`` has ``row`` and ``line``."""
    return lines.filter(pl.col("line").str.contains('"', literal=True) & ~pl.col("line").str.contains(WELL_FORMED))


def problems_for(path: Path, bad: pl.DataFrame) -> list[dict]:
    return [
        {
            "file": str(path),
            "row": int(row),
            "field": None,
            "kind": "malformed_line",
            "message": f"malformed CSV line (a quote that neither opens nor closes a field): not read, the other "
            f"lines are; the line: {line[:SHOWN]}{'…' if len(line) > SHOWN else ''}",
            "line": line,
        }
        for row, line in bad.iter_rows()
    ]


def without(source: Path, rows: set[int], width: int, target: Path) -> Path:
    """A copy of ``source`` whose ``rows`` (1-based lines) are empty fields: read as blank rows, numbering kept."""
    empty = "," * (width - 1)
    with source.open(encoding="utf-8", newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
        for number, line in enumerate(src, start=1):
            if number in rows:
                ending = "\r\n" if line.endswith("\r\n") else "\n" if line.endswith("\n") else ""
                line = empty + ending
            dst.write(line)
    return target
