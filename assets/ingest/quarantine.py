"""Rejected rows as ``quarantine.rejected_rows`` records: the original values as JSON, and the reasons."""

from __future__ import annotations

import datetime as dt

import polars as pl


def quarantine_frame(
    rejected: pl.DataFrame, dataset: str, source: str, batch_id: str, day: dt.date, received_at: dt.datetime
) -> pl.DataFrame:
    originals = rejected.drop("row_number", "reasons")
    return (
        pl.DataFrame(
            {
                "dataset": dataset,
                "source": source,
                "batch_id": batch_id,
                "load_partition": day,
                "received_at": received_at,
                "row_number": rejected["row_number"].cast(pl.Int64),
                "record": originals.select(pl.struct(pl.all()).struct.json_encode()).to_series(),
                "reasons": rejected["reasons"],
            },
            schema_overrides={"received_at": pl.Datetime("us")},
        )
        if rejected.height
        else pl.DataFrame()
    )
