"""Metadata for the Dagster UI: markdown previews of tables, an adapter's summary."""

from __future__ import annotations

import dagster as dg
import polars as pl


def markdown_table(frame: pl.DataFrame, limit: int = 10) -> str:
    """A small markdown table of the first ``limit`` rows (no extra dependency needed)."""
    head = frame.head(limit)
    cells = [[_cell(v) for v in row] for row in head.iter_rows()]
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    if frame.height > limit:
        lines.append(f"\n_{frame.height - limit} more rows_")
    return "\n".join(lines)


def batches_table(results: dict, **extra) -> dg.MetadataValue:
    """The staged batches of a run, a row per day (``results``: day -> a batch result with batch_id, rows_in, staged,
    raw_path); ``extra``: more columns, each a function of the result."""
    rows = [
        {
            "day": day,
            "batch_id": r.batch_id,
            "rows": r.rows_in,
            "staged": r.staged.height,
            "raw_file": str(r.raw_path),
            **{name: column(r) for name, column in extra.items()},
        }
        for day, r in results.items()
    ]
    return dg.MetadataValue.md(markdown_table(pl.DataFrame(rows), 40))


def add_day_metadata(
    context: dg.AssetExecutionContext, key: dg.AssetKey, by_day: dict[str, dict], latest: dict
) -> None:
    """Metadata of a run over a range of days that is not the same for every day. Dagster copies a result's
    metadata to the materialization of each day of the range (a year's run would store a year of batches 365
    times), so each day's own entries (``by_day``: partition key -> entries) go to that day's materialization only,
    and ``latest`` (previews, column schemas) to the range's last day, the one the UI shows as the asset's latest.
    A one-day run gets them all, as before."""
    for day, entries in by_day.items():
        context.add_asset_metadata(entries, asset_key=key, partition_key=day)
    context.add_asset_metadata(latest, asset_key=key, partition_key=context.partition_key_range.end)


def source_summary(by_day: dict[str, dict]) -> dict:
    """An adapter's summary for the asset's metadata: its fields as they are for a one-day run, by day for a window."""
    if len(by_day) == 1:
        (summary,) = by_day.values()
        return {k: dg.MetadataValue.json(v) if isinstance(v, (dict, list)) else v for k, v in summary.items()}
    return {"source_summary": dg.MetadataValue.json(by_day)}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")
