"""``envmon query "SQL"``: read-only SQL on the published snapshot (never blocks, nor is blocked by, a run).

Only SELECT/EXPLAIN run, with external access disabled, a timeout and a memory cap (``warehouse.query``). A result
is saved with ``--format csv > file.csv`` or with ``envmon export``, never by SQL that writes files.

This command imports DuckDB and nothing heavy (no Dagster, no Great Expectations, no Polars): it answers in about
the time DuckDB itself takes (``bench/README.md``); ``tests/test_query_fast_path.py`` keeps it so.
"""

import sys

from pipelines.commands.usage import UsageError
from warehouse.paths import DataPaths
from warehouse.query import FORMATS, guarded_query
from warehouse.query_output import write_result
from warehouse.query_settings import QuerySettingError, parse_timeout, query_memory, query_timeout

NEEDS_INSTANCE = False  # reads the snapshot only: no Dagster instance, no stale-run check (pipelines/cli.py)


def add_limit_options(p) -> None:
    p.add_argument(
        "--timeout", help="seconds before the query is stopped, 0 = no limit (default ENVMON_QUERY_TIMEOUT, 300)"
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def add_parser(sub) -> None:
    p = sub.add_parser("query", help="run read-only SQL (one SELECT) on the published snapshot")
    p.add_argument("sql", help='e.g. "SELECT * FROM marts.air_area_daily ORDER BY day DESC LIMIT 20"')
    p.add_argument("--format", choices=FORMATS, default="table", help="csv: lists and structs as JSON text")
    add_limit_options(p)


def validate(args) -> None:
    """The timeout and the memory cap, as numbers that can work, before the snapshot is opened (exit 2)."""
    try:
        args.timeout = query_timeout() if args.timeout is None else parse_timeout(args.timeout, "--timeout")
        args.memory = query_memory()
    except QuerySettingError as exc:
        raise UsageError(str(exc)) from None


def main(args) -> int:
    with guarded_query(DataPaths.from_env().snapshot, args.sql, args.timeout, args.memory) as con:
        write_result(con, args.sql, args.format, sys.stdout)
    return 0
