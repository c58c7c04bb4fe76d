"""Immutable raw files: every batch a source delivers is kept, unchanged, as one Parquet file.

Layout: ``<data>/raw/<dataset>/<source>/<partition>/<batch_id>.parquet``. The batch id is a hash of the batch's
content, so delivering the same data again names the same file (and the run stays idempotent) while different
data never overwrites an earlier file. File sources also keep the files they read, unchanged, in
``<data>/raw/<dataset>/<source>/files/`` (``keep_originals``): the tidy Parquet holds what was understood, the
original holds everything, the lines and cells that were not understood included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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


def keep_originals(folder: Path, files: list[Path]) -> list[Path]:
    """Copy each file into ``folder`` once (same name and content: kept as it is; another content under the same
    name gets its hash in the name, so nothing is overwritten); returns where each one is kept."""
    kept = []
    for path in files:
        digest = _file_hash(path)
        target = folder / path.name
        if target.exists() and _file_hash(target) != digest:
            target = folder / f"{path.stem}.{digest[:8]}{path.suffix}"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copy2(path, tmp)
            os.replace(tmp, target)
        kept.append(target)
    return kept


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
