"""The asset check of alerts/events: forecast_coverage (WARN) names the areas that no forecast covered for the days
ahead of the run's days (D+1 .. D+N issued by D+1), so that no area goes without warnings silently."""

import dagster as dg

EVENTS_KEY = dg.AssetKey(["alerts", "events"])

FORECAST_COVERAGE = dg.AssetCheckSpec(
    "forecast_coverage",
    asset=EVENTS_KEY,
    description="Warning: a forecast (official CSV, the generator's, or Open-Meteo) covers D+1 .. D+N for every area "
    "(rules.yaml warning.forecast_coverage_days); without one no warning can be raised there.",
)


def forecast_coverage_result(gaps_by_day: dict, days_ahead: int) -> dg.AssetCheckResult:
    """``gaps_by_day``: evaluated day -> {area: [target days without a forecast]}."""
    areas = sorted({a for gaps in gaps_by_day.values() for a in gaps})
    bad_days = sorted(d for d, gaps in gaps_by_day.items() if gaps)
    lines = [f"- {d}: {'、'.join(sorted(gaps_by_day[d]))}" for d in bad_days[:31]]
    return dg.AssetCheckResult(
        check_name="forecast_coverage",
        passed=not areas,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"no forecast for D+1 .. D+{days_ahead} in {len(areas)} area(s): {'、'.join(areas)} "
            f"({len(bad_days)} of {len(gaps_by_day)} day(s)); data operations are told in the digest"
            if areas
            else f"every area has a forecast for D+1 .. D+{days_ahead}"
        ),
        metadata={
            "areas_without_forecast": dg.MetadataValue.json(areas),
            "days_short": len(bad_days),
            "by_day": dg.MetadataValue.md("\n".join(lines) or "none"),
        },
    )
