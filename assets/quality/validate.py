"""Validate one batch of a dataset: batch usability, row-level quarantine, value flags, GX record + Data Docs.

``validate_batch`` is the one entry point every dataset uses (air and water, each through its ``DatasetSpec``).
A run over several days validates each day's batch with the Polars rules and records them with GX once
(``record_batches``, ``combined``).
Nothing is lost: every input row is either in ``accepted`` or in ``rejected`` (with ``row_number`` and
``reasons``); a batch with the wrong columns sends all of its rows to ``rejected``.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from assets.quality.row_rules import ALREADY_LOADED, apply_row_rules
from assets.quality.specs import DatasetSpec
from assets.quality.value_flags import value_flags

DEFAULT_MAX_REJECTED_SHARE = 0.2  # ENVMON_MAX_REJECTED_SHARE


@dataclass
class ValidationResult:
    rows_in: int
    accepted: pl.DataFrame
    rejected: pl.DataFrame  # original columns + row_number + reasons
    flags: pl.DataFrame  # key, ts, parameter, flag_code
    unusable: list[str] = field(default_factory=list)  # why the batch must not feed downstream (empty = usable)
    gx: dict | None = None  # summary of the GX run (None when GX was not run)
    seconds: dict = field(default_factory=dict)

    @property
    def repeats(self) -> int:
        """Rejected rows that another partition or a monitoring-centre file already holds: repeats, not bad data
        (a re-run of a day that a file corrected must stay usable)."""
        reasons = self.rejected["reasons"]
        return int((reasons.str.ends_with(ALREADY_LOADED) & ~reasons.str.contains("; ")).sum())

    @property
    def rejected_share(self) -> float:
        """The share of the batch rejected as bad data (repeats not counted)."""
        return (self.rejected.height - self.repeats) / self.rows_in if self.rows_in else 0.0

    @property
    def data_docs(self) -> str | None:
        return self.gx["data_docs"] if self.gx else None


def validate_batch(
    spec: DatasetSpec,
    frame: pl.DataFrame,
    partition_day: dt.date,
    known_keys: pl.Series,
    already_loaded: pl.DataFrame,
    now: dt.datetime,
    *,
    context: pl.DataFrame | None = None,
    data_root: Path | None = None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    batch_name: str = "",
    allow_empty: bool = False,
) -> ValidationResult:
    """``already_loaded``: (key, ts) owned by other partitions; ``context``: staged rows around the batch (for
    spikes and stuck values across the partition boundary); ``data_root``: run GX and build Data Docs there;
    ``allow_empty``: an empty batch is usable (a source with no daily feed)."""
    clock = time.perf_counter()
    params = spec.suite_parameters(partition_day, known_keys, now)
    name = batch_name or f"{spec.name}-{partition_day.isoformat()}"
    with ThreadPoolExecutor(1, thread_name_prefix="gx") as pool:
        # GX (mostly Python, holding the GIL) runs beside the Polars rules (native threads that release it): the
        # two overlap instead of adding up
        gx_run = data_root and pool.submit(_timed_suite, spec, frame, params, Path(data_root), name)
        accepted, rejected, flags, schema_problem = _rules_and_flags(spec, frame, params, already_loaded, context)
        seconds = {"rules_and_flags": time.perf_counter() - clock}
        gx, seconds["gx"] = gx_run.result() if gx_run else (None, 0.0)
    result = ValidationResult(frame.height, accepted, rejected, flags, [], gx, seconds)
    result.unusable = _unusable(result, schema_problem, max_rejected_share, allow_empty)
    return result


def _rules_and_flags(
    spec: DatasetSpec, frame: pl.DataFrame, params: dict, already_loaded: pl.DataFrame, context: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, str | None]:
    """(accepted, rejected, flags, schema problem): a batch with the wrong columns or types is rejected whole."""
    schema_problem = _schema_problem(spec, frame)
    if schema_problem:
        rejected = frame.with_row_index("row_number", offset=1).with_columns(reasons=pl.lit(schema_problem))
        accepted = pl.DataFrame(schema=spec.schema)
        flags = pl.DataFrame(
            schema={spec.key: pl.String, spec.time: pl.Datetime("us"), "parameter": pl.String, "flag_code": pl.String}
        )
    else:
        typed = frame.select(spec.columns).cast(spec.schema)
        accepted, rejected = apply_row_rules(spec, typed, params, already_loaded)
        flags = value_flags(spec, accepted, context)
    return accepted, rejected, flags, schema_problem


def _timed_suite(spec: DatasetSpec, frame: pl.DataFrame, params: dict, data_root: Path, name: str):
    from assets.quality.gx_run import run_suite

    clock = time.perf_counter()
    return run_suite(spec, frame, params, data_root, name), time.perf_counter() - clock


def _schema_problem(spec: DatasetSpec, frame: pl.DataFrame) -> str | None:
    missing = [c for c in spec.columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in spec.columns]
    if missing or extra:
        detail = "; ".join(
            filter(None, [missing and f"missing {', '.join(missing)}", extra and f"unexpected {', '.join(extra)}"])
        )
        return f"expect_table_columns_to_match_set({detail})"
    try:
        frame.select(spec.columns).cast(spec.schema)
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as exc:
        return f"expect_column_values_to_be_of_type({str(exc).splitlines()[0]})"
    return None


def _unusable(result: ValidationResult, schema_problem: str | None, limit: float, allow_empty: bool) -> list[str]:
    reasons = []
    if schema_problem:
        reasons.append(f"wrong schema: {schema_problem}")
    if result.rows_in == 0:
        if not allow_empty:
            reasons.append("empty batch: the source delivered no rows")
    elif result.rejected_share > limit:
        bad, repeats = result.rejected.height - result.repeats, result.repeats
        reasons.append(
            f"{bad} of {result.rows_in} rows rejected ({result.rejected_share:.1%}) > ENVMON_MAX_REJECTED_SHARE "
            f"{limit:.0%}" + (f" (besides {repeats} already loaded by another partition)" if repeats else "")
        )
    return reasons


def record_batches(
    spec: DatasetSpec,
    frames: list[pl.DataFrame],
    first: dt.date,
    last: dt.date,
    known_keys: pl.Series,
    now: dt.datetime,
    data_root: Path,
    batch_name: str,
) -> tuple[dict | None, float]:
    """One GX validation (and Data Docs page) of the batches of the days ``first`` ... ``last`` together: the
    record of a run over a window. The Polars rules have already judged each day's rows on their own."""
    frame = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame(schema=spec.schema)
    if not frame.height:
        return None, 0.0
    return _timed_suite(spec, frame, spec.suite_parameters(first, known_keys, now, last), Path(data_root), batch_name)


def combined(results: dict[dt.date, ValidationResult], gx: dict | None) -> ValidationResult:
    """The validations of several days' batches as one: rows, rejections and flags together; each day's reasons
    for being unusable, named by day."""
    parts = list(results.values())
    return ValidationResult(
        rows_in=sum(r.rows_in for r in parts),
        accepted=pl.concat([r.accepted for r in parts], how="vertical_relaxed"),
        rejected=pl.concat([r.rejected for r in parts], how="diagonal_relaxed"),
        flags=pl.concat([r.flags for r in parts], how="vertical_relaxed"),
        unusable=[
            f"{day}: {reason}" if len(parts) > 1 else reason for day, r in results.items() for reason in r.unusable
        ],
        gx=gx,
        seconds={k: sum(r.seconds.get(k, 0.0) for r in parts) for k in ("rules_and_flags",)},
    )
