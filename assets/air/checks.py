"""Asset checks of staging/air_hourly, evaluated while the asset runs (the validation results are at hand).

- ``batch_usable`` (BLOCKING, severity ERROR): ``assets.quality.checks``, shared by every dataset.
- ``data_capture_gb3095`` (WARN): stations x pollutants of the natural day short of the GB 3095 validity rules.
"""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.quality.checks import batch_usable_spec

AIR_KEY = dg.AssetKey(["staging", "air_hourly"])

AIR_CHECK_SPECS = [
    batch_usable_spec(AIR_KEY),
    dg.AssetCheckSpec(
        "data_capture_gb3095",
        asset=AIR_KEY,
        description="Warning: every in-service station has >= 20 valid hourly values per pollutant in the natural "
        "day (O3: >= 14 valid 8-h windows), GB 3095-2012 table 4.",
    ),
]


def capture_not_applicable(why: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(check_name="data_capture_gb3095", passed=True, description=f"not applicable: {why}")


def capture_result(capture: pl.DataFrame) -> dg.AssetCheckResult:
    short = capture.filter(~pl.col("ok"))
    worst = (
        short.group_by("station_code")
        .agg(pollutants=pl.col("pollutant").sort().str.join(", "), worst=pl.col("valid").min())
        .sort("worst", "station_code")
    )
    stations = worst["station_code"].to_list()
    days = capture["day"].unique().sort()
    day = "" if not days.len() else str(days[0]) if days.len() == 1 else f"{days[0]} .. {days[-1]}"
    return dg.AssetCheckResult(
        check_name="data_capture_gb3095",
        passed=short.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(stations)} station(s) short of GB 3095 data capture on {day}: {', '.join(stations[:15])}"
            if stations
            else f"all stations meet GB 3095 data capture on {day}"
        ),
        metadata={
            "station_pollutants_checked": capture.height,
            "station_pollutants_short": short.height,
            "stations_short": len(stations),
            "worst_stations": dg.MetadataValue.md(markdown_table(worst, 15)),
            "shortfalls": dg.MetadataValue.md(markdown_table(short.drop("ok").sort("valid"), 20)),
        },
    )
