"""Markdown previews of tables for the Dagster UI."""

from __future__ import annotations

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


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")
