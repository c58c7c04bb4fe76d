"""``envmon query "SQL"``: read-only SQL on the published snapshot (never blocks, nor is blocked by, a run)."""

from warehouse.paths import DataPaths
from warehouse.query import FORMATS, format_frame, run_query


def add_parser(sub) -> None:
    p = sub.add_parser("query", help="run read-only SQL on the published snapshot")
    p.add_argument("sql", help='e.g. "SELECT * FROM marts.air_area_daily ORDER BY day DESC LIMIT 20"')
    p.add_argument("--format", choices=FORMATS, default="table")


def main(args) -> int:
    frame = run_query(DataPaths.from_env().snapshot, args.sql)
    print(format_frame(frame, args.format), end="" if args.format == "csv" else "\n")
    return 0
