"""What every staged dataset shows of its validation: the blocking batch check, evaluated while its asset runs
(the validation result is at hand): wrong schema, empty batch, or a rejected share above
ENVMON_MAX_REJECTED_SHARE (when it fails, downstream assets do not materialize for the partition); and the
materialization's validation metadata."""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.quality.validate import ValidationResult


def batch_usable_spec(asset: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "batch_usable",
        asset=asset,
        blocking=True,
        description="Blocking: the batch has the expected columns, is not empty, and no more than "
        "ENVMON_MAX_REJECTED_SHARE of its rows were rejected.",
    )


def validation_metadata(validation: ValidationResult) -> dict:
    """Rows in and rejected, reasons, value flag counts, the GX outcome and where its Data Docs are."""
    rejected = validation.rejected
    reasons = rejected.group_by("reasons").len().sort("len", descending=True) if rejected.height else None
    flag_counts = validation.flags.group_by("flag_code").len().sort("flag_code")
    return {
        "rows_in": validation.rows_in,
        "rows_rejected": rejected.height,
        "rejection_reasons": dg.MetadataValue.md(markdown_table(reasons) if reasons is not None else "none"),
        "value_flags": dg.MetadataValue.json(dict(flag_counts.iter_rows())),
        "gx_expectations_failed": validation.gx["failed"] if validation.gx else None,
        "data_docs": dg.MetadataValue.path(validation.data_docs or ""),
    }


def batch_usable_result(validation: ValidationResult, limit: float) -> dg.AssetCheckResult:
    rejected = validation.rejected
    reasons = rejected.group_by("reasons").len().sort("len", descending=True) if rejected.height else None
    examples = rejected.head(5).select(pl.exclude("row_number"), pl.col("row_number")) if rejected.height else None
    return dg.AssetCheckResult(
        check_name="batch_usable",
        passed=not validation.unusable,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(validation.unusable) or "usable",
        metadata={
            "rows_in": validation.rows_in,
            "rows_accepted": validation.accepted.height,
            "rows_rejected": rejected.height,
            "rows_already_loaded": validation.repeats,  # repeats: not counted in the share
            "rejected_share": round(validation.rejected_share, 4),
            "max_rejected_share": limit,
            "rejection_reasons": dg.MetadataValue.md(markdown_table(reasons) if reasons is not None else "none"),
            "examples": dg.MetadataValue.md(markdown_table(examples) if examples is not None else "none"),
        },
    )
