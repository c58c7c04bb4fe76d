"""The station codes of an input file that the catalog lacks: one problem line per batch, so that a reader that
leaves them out (the national archive: ~2,000 stations a file) never does it without a word.

The line counts the codes and their station-hours and lists them, code by code with its hours, up to ``LISTED``
codes then "and N more", so that a national file of hundreds of unknown codes stays one readable line. Codes whose
column is empty all day (closed stations) are counted apart, with a few examples. Loading them takes a catalog that
lists them (docs/sources.md, Station catalogs).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

KIND = "stations_not_in_catalog"
LISTED = 50
EMPTY_LISTED = 5


def unknown_stations_problem(
    cells: pl.DataFrame,
    known_codes: pl.Series,
    path: Path | str,
    fate: str = "not loaded",
    empty: list[str] | tuple[str, ...] = (),
) -> dict | None:
    """``cells`` (station_code, ts: the day's non-empty cells or rows) and ``empty`` (the file's columns without a
    value) -> the problem line about the codes the catalog lacks, or None if it lacks none. ``fate``: what became
    of their station-hours."""
    known = known_codes.implode()
    hours = (
        cells.filter(~pl.col("station_code").is_in(known))
        .group_by("station_code")
        .agg(pl.col("ts").n_unique().alias("hours"))
        .sort("station_code")
    )
    blank = sorted(set(empty) - set(known_codes) - set(hours["station_code"]))
    if not hours.height and not blank:
        return None
    listed = ", ".join(f"{code} ({n} h)" for code, n in hours.head(LISTED).iter_rows())
    more = f" and {hours.height - LISTED} more" if hours.height > LISTED else ""
    message = f"{hours.height + len(blank)} station code(s) not in the station catalog"
    if hours.height:
        message += f"; {hours.height} with values, {hours['hours'].sum()} station-hour(s) {fate}: {listed}{more}"
    if blank:
        examples = ", ".join(blank[:EMPTY_LISTED]) + (" ..." if len(blank) > EMPTY_LISTED else "")
        message += f"; {len(blank)} without any value (empty columns: {examples})"
    return {
        "file": str(path),
        "row": 1,
        "field": None,
        "kind": KIND,
        "message": f"{message}. To load them, use a catalog that lists them (--stations / ENVMON_STATIONS)",
    }
