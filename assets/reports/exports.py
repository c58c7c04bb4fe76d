"""CSV and XLSX exports: every table of a report in full, one CSV file and one XLSX sheet per table."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

MAX_SHEET_NAME = 31  # Excel's limit


def excel_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists (main pollutants) and JSON become text: a sheet cell holds one scalar."""
    return frame.with_columns(
        [pl.col(c).list.join("、") for c, t in frame.schema.items() if isinstance(t, pl.List)]
        + [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if isinstance(t, (pl.Struct, pl.Object))]
    )


def write_csvs(tables: dict[str, pl.DataFrame], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        excel_ready(frame).write_csv(path, include_bom=True)  # the BOM lets Excel open UTF-8 Chinese correctly
        paths.append(path)
    return paths


def write_xlsx(tables: dict[str, pl.DataFrame], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with xlsxwriter.Workbook(tmp) as book:
        for name, frame in tables.items():
            excel_ready(frame).write_excel(book, worksheet=name[:MAX_SHEET_NAME], autofit=True)
    tmp.replace(path)
    return path
