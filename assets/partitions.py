"""Daily partitions in China Standard Time: partition D holds the natural day D 01:00 ... D+1 00:00."""

import datetime as dt
import os
import warnings
from pathlib import Path

import dagster as dg

from assets.clock import DAILY_START

# BackfillPolicy is a Dagster beta: say so once here instead of a warning per asset on every command.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)


daily_partitions = dg.DailyPartitionsDefinition(start_date=DAILY_START, timezone="Asia/Shanghai")

# A window of days is one run, in bounded chunks: a run holds at most this many station-days, so set-based SQL
# over a range keeps its memory bounded (bench/README.md). That is a whole year of the region's 30 stations in one
# run, and a month of the national network (1,495 stations). Every daily asset has the same policy, so a window's
# assets share their runs.
MAX_STATION_DAYS_PER_RUN = 46_500
MAX_DAYS_PER_RUN = 366
DEFAULT_CATALOG = Path(__file__).resolve().parents[1] / "dbt_like_sql" / "seeds" / "stations.csv"


def days_per_run(catalog: str | Path | None = None) -> int:
    """Days per run for the station catalog ``catalog`` (default: ENVMON_STATIONS, else the region's)."""
    path = Path(catalog or os.environ.get("ENVMON_STATIONS") or DEFAULT_CATALOG)
    with path.open(encoding="utf-8-sig") as f:
        stations = max(1, sum(1 for line in f if line.strip()) - 1)  # the lines after the header
    return max(1, min(MAX_DAYS_PER_RUN, MAX_STATION_DAYS_PER_RUN // stations))


# the code location's catalog: a backfill launched from the UI is cut like an ``envmon run`` of the same window
DAILY_BACKFILL = dg.BackfillPolicy.multi_run(max_partitions_per_run=days_per_run())

# Every step that writes DuckDB runs in this pool; dagster.yaml limits it to one step at a time.
WRITER_POOL = "duckdb_writer"


def run_window(context: dg.AssetExecutionContext) -> tuple[dt.date, dt.date]:
    """The natural days [start, end) of the partitions a run materializes (one, or a range)."""
    window = context.partition_time_window
    return window.start.date(), window.end.date()


def run_days(context: dg.AssetExecutionContext) -> list[dt.date]:
    start, end = run_window(context)
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


def lookback(days: int) -> dg.TimeWindowPartitionMapping:
    """Day D of the child reads days D - ``days`` ... D of the parent."""
    return dg.TimeWindowPartitionMapping(start_offset=-days, end_offset=0)
