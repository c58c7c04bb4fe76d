"""The Great Expectations record and Data Docs page of one monitoring-centre file.

A file is not a daily batch: the row rules (``row_rules``, applied by the file's ingest) decide what is loaded,
and the suite's partition rule does not apply (a file carries readings of any past day). So the suite runs with
the partition window widened to the file's own time span, and its result only documents the file: the page
lists it beside the daily batches in the Data Docs index (run name ``<dataset>-file-<received day>-<hash>``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from assets.quality.specs import DatasetSpec


def file_suite_parameters(spec: DatasetSpec, rows: pl.DataFrame, known_keys: pl.Series, now: dt.datetime) -> dict:
    params = spec.suite_parameters(now.date(), known_keys, now)
    times = rows[spec.time].drop_nulls()
    if len(times):
        params["late_start"] = min(times.min(), params["late_start"])
    params["partition_end"] = now
    return params


def document_file(
    spec: DatasetSpec, rows: pl.DataFrame, known_keys: pl.Series, now: dt.datetime, data_root: Path, content_hash: str
) -> dict:
    """Validate the file's parsed rows with the dataset's suite and add its page to the Data Docs."""
    from assets.quality.gx_run import run_suite

    frame = rows.select(spec.columns)
    name = f"{spec.name}-file-{now.date().isoformat()}-{content_hash[:12]}"
    return run_suite(spec, frame, file_suite_parameters(spec, frame, known_keys, now), Path(data_root), name)
