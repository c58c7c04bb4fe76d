"""``envmon status``: (re)build the joint status page (联防联控看板) from the published snapshot.

Every run that publishes the snapshot refreshes the page itself (``assets/publish.py``); this command is for a
first build, after a failed refresh (the run logged a warning), or after changing the page's files. It reads the
snapshot only (DuckDB, no Dagster) and prints where to open the page.
"""

from status_page.build import build_status_page
from warehouse.paths import DataPaths

NEEDS_INSTANCE = False  # reads the snapshot only (pipelines/cli.py)


def add_parser(sub) -> None:
    p = sub.add_parser("status", help="build the joint status page (联防联控看板) from the published snapshot")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def main(args) -> int:
    paths = DataPaths.from_env()
    index = build_status_page(paths.snapshot, paths.status_page, paths.reports)
    print(f"envmon status: {index}\n  open it: envmon serve   then http://127.0.0.1:8080/")
    return 0
