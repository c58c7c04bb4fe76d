"""Daily partitions in China Standard Time: partition D holds the natural day D 01:00 ... D+1 00:00."""

import dagster as dg

DAILY_START = "2023-01-01"  # early enough for the real national archive days of January 2023

daily_partitions = dg.DailyPartitionsDefinition(start_date=DAILY_START, timezone="Asia/Shanghai")

# Every step that writes DuckDB runs in this pool; dagster.yaml limits it to one step at a time.
WRITER_POOL = "duckdb_writer"
