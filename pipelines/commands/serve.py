"""``envmon serve [--host H] [--port P]``: the status page on 127.0.0.1 for a workstation (read-only, GET only).

A production server serves ``<data folder>/status/`` from its own web server behind the office's login instead
(docs/status-page.md). Ctrl-C stops it.
"""

import os

from pipelines.commands.usage import UsageError
from status_page.serve import make_server
from warehouse.paths import DataPaths

NEEDS_INSTANCE = False  # serves files only (pipelines/cli.py)


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="serve the status page on http://127.0.0.1:8080/ (read-only)")
    p.add_argument("--host", default=os.environ.get("ENVMON_STATUS_HOST", "127.0.0.1"))
    p.add_argument("--port", default=os.environ.get("ENVMON_STATUS_PORT", "8080"), help="0: any free port")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def validate(args) -> None:
    try:
        args.port = int(args.port)
    except ValueError:
        raise UsageError(f"--port (or ENVMON_STATUS_PORT) must be a number, not {args.port!r}") from None
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port (or ENVMON_STATUS_PORT) must be 0–65535, not {args.port}")


def main(args) -> int:
    server = make_server(DataPaths.from_env().status_page, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"envmon serve: http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
