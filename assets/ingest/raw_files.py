"""Immutable raw files: every batch a source delivers is kept, unchanged, as one Parquet file.

Layout: ``<data>/raw/<dataset>/<source>/<partition>/<batch_id>.parquet``. The batch id is a hash of the batch's
content, so delivering the same data again names the same file (and the run stays idempotent) while different
data never overwrites an earlier file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl


def batch_id_of(frame: pl.DataFrame) -> str:
    digest = hashlib.sha256()
    digest.update(",".join(f"{n}:{t}" for n, t in frame.schema.items()).encode())
    digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def write_raw_batch(root: Path, dataset: str, source: str, partition: str, frame: pl.DataFrame) -> tuple[str, Path]:
    """Write the batch once; returns (batch_id, path). An existing file with the same id is left untouched."""
    batch_id = batch_id_of(frame)
    path = root / dataset / source / partition / f"{batch_id}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".parquet.tmp")
        frame.write_parquet(tmp)
        os.replace(tmp, path)
    return batch_id, path
