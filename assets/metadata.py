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
