"""Daily partitions in China Standard Time: partition D holds the natural day D 01:00 ... D+1 00:00."""

import datetime as dt
import warnings

import dagster as dg

# BackfillPolicy is a Dagster beta: say so once here instead of a warning per asset on every command.
warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)

# A baseline year before the real national archive days of January 2023: the year-on-year comparisons of the
# reports need the year before, and so does the national benchmark's year of history (bench/incremental.py).
DAILY_START = "2022-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=DAILY_START, timezone="Asia/Shanghai")

# A window of days is one run, in bounded chunks: set-based SQL over up to a month at a time keeps a national
# backfill's memory bounded (bench/README.md). Every daily asset has the same policy, so a window's assets share
# their runs.
MAX_DAYS_PER_RUN = 31
DAILY_BACKFILL = dg.BackfillPolicy.multi_run(max_partitions_per_run=MAX_DAYS_PER_RUN)

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
