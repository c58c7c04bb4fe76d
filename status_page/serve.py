"""``envmon serve``: the status folder over HTTP for a workstation, read-only.

Python's ``http.server`` over ``<data folder>/status/``: GET and HEAD only (any other method is answered 501 by
the standard handler), no directory listings, no path outside the folder (the standard handler resolves paths
under ``directory``). Production serves the same folder from the office's web server behind its login
(docs/status-page.md); this is not hardened for the internet.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class StatusHandler(http.server.SimpleHTTPRequestHandler):
    def list_directory(self, path):  # the folder's files are the page's own: nothing to browse
        self.send_error(404, "no directory listings")
        return None

    def end_headers(self):
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")  # overview.json changes after every run
        super().end_headers()


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 8080) -> http.server.ThreadingHTTPServer:
    if not (folder / "index.html").exists():
        raise FileNotFoundError(f"{folder}: no status page yet; build it with `envmon status` (or `envmon run`)")
    handler = functools.partial(StatusHandler, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)
