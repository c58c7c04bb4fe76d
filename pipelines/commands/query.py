"""``envmon query "SQL"``: read-only SQL on the published snapshot (never blocks, nor is blocked by, a run).

Only SELECT/EXPLAIN run, with external access disabled and a statement timeout (``warehouse.query``). A result is
saved with ``--format csv > file.csv`` or with ``envmon export``, never by SQL that writes files.
"""

from warehouse.paths import DataPaths
from warehouse.query import FORMATS, format_frame, run_query


def add_parser(sub) -> None:
    p = sub.add_parser("query", help="run read-only SQL (one SELECT) on the published snapshot")
    p.add_argument("sql", help='e.g. "SELECT * FROM marts.air_area_daily ORDER BY day DESC LIMIT 20"')
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--timeout", type=float, help="seconds before the query is stopped (default ENVMON_QUERY_TIMEOUT, 300)"
    )


def main(args) -> int:
    frame = run_query(DataPaths.from_env().snapshot, args.sql, timeout=args.timeout)
    print(format_frame(frame, args.format), end="" if args.format == "csv" else "\n")
    return 0
