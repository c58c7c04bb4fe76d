"""A real HTTP server on 127.0.0.1 for adapter tests: it replays recorded responses and records each request.

Routes map a path to a list of responses served in turn (the last one repeats); a response is
``(status, body, headers)`` with ``body`` as bytes/str, or a callable ``(query) -> (status, body, headers)``
for paginated endpoints, or ``DELAY(seconds)`` to make the client time out.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Delay:
    seconds: float
    then: tuple = (200, b"{}", {})


def json_body(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


@dataclass
class ReplayServer:
    routes: dict[str, list] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)

    def __enter__(self) -> ReplayServer:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                replay.requests.append({"path": parts.path, "query": query, "headers": dict(self.headers)})
                queue = replay.routes.get(parts.path)
                if not queue:
                    return self._send(404, b'{"detail": "not found"}', {})
                item = queue.pop(0) if len(queue) > 1 else queue[0]
                if isinstance(item, Delay):
                    time.sleep(item.seconds)
                    item = item.then
                if callable(item):
                    item = item(query)
                status, body, headers = item
                self._send(status, body.encode() if isinstance(body, str) else body, headers)

            def _send(self, status, body, headers):
                headers = dict(headers)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            def log_message(self, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
