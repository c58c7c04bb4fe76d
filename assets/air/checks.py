"""Asset checks of staging/air_hourly, evaluated while the asset runs (the validation results are at hand).

- ``batch_usable`` (BLOCKING, severity ERROR): wrong schema, empty batch, or a rejected share above
  ENVMON_MAX_REJECTED_SHARE. When it fails, downstream assets do not materialize for the partition.
- ``data_capture_gb3095`` (WARN): stations x pollutants of the natural day short of the GB 3095 validity rules.
"""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.quality.validate import ValidationResult

AIR_KEY = dg.AssetKey(["staging", "air_hourly"])

AIR_CHECK_SPECS = [
    dg.AssetCheckSpec(
        "batch_usable", asset=AIR_KEY, blocking=True,
        description="Blocking: the batch has the expected columns, is not empty, and no more than "
                    "ENVMON_MAX_REJECTED_SHARE of its rows were rejected.",
    ),
    dg.AssetCheckSpec(
        "data_capture_gb3095", asset=AIR_KEY,
        description="Warning: every in-service station has >= 20 valid hourly values per pollutant in the natural "
                    "day (O3: >= 14 valid 8-h windows), GB 3095-2012 table 4.",
    ),
]


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
            "rejected_share": round(validation.rejected_share, 4),
            "max_rejected_share": limit,
            "rejection_reasons": dg.MetadataValue.md(markdown_table(reasons) if reasons is not None else "none"),
            "examples": dg.MetadataValue.md(markdown_table(examples) if examples is not None else "none"),
        },
    )


def capture_not_applicable(why: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(check_name="data_capture_gb3095", passed=True, description=f"not applicable: {why}")


def capture_result(capture: pl.DataFrame) -> dg.AssetCheckResult:
    short = capture.filter(~pl.col("ok"))
    worst = (
        short.group_by("station_code").agg(pollutants=pl.col("pollutant").sort().str.join(", "), worst=pl.col("valid").min())
        .sort("worst", "station_code")
    )
    stations = worst["station_code"].to_list()
    day = capture["day"][0].isoformat() if capture.height else ""
    return dg.AssetCheckResult(
        check_name="data_capture_gb3095",
        passed=short.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(stations)} station(s) short of GB 3095 data capture on {day}: {', '.join(stations[:15])}"
                     if stations else f"all stations meet GB 3095 data capture on {day}"),
        metadata={
            "station_pollutants_checked": capture.height,
            "station_pollutants_short": short.height,
            "stations_short": len(stations),
            "worst_stations": dg.MetadataValue.md(markdown_table(worst, 15)),
            "shortfalls": dg.MetadataValue.md(markdown_table(short.drop("ok").sort("valid"), 20)),
        },
    )
