"""Servers on 127.0.0.1 that behave like a network that is not there: for the live sources' fail-fast tests.

- ``BlackHole``: accepts every connection and never reads or answers (a firewall that swallows, a proxy that hangs).
- ``SlowDrip``: answers 200 with a Content-Length, then sends the body one byte every ``interval`` seconds: each
  socket read succeeds, so a read timeout never fires (only a deadline on the whole answer stops it).
"""

from __future__ import annotations

import socket
import threading
import time


class _Listener:
    def __enter__(self):
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _accept(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(conn)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket) -> None:
        """Hold the connection: read nothing, send nothing."""

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for conn in self.connections:
            conn.close()
        self._sock.close()


class BlackHole(_Listener):
    pass


class SlowDrip(_Listener):
    def __init__(self, body: bytes = b'{"hourly": {}}' * 4, interval: float = 0.2):
        self.body, self.interval = body, interval

    def serve(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)  # the request
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            conn.sendall(f"Content-Length: {len(self.body)}\r\n\r\n".encode())
            for i in range(len(self.body)):
                if self._stop.is_set():
                    return
                conn.sendall(self.body[i : i + 1])
                time.sleep(self.interval)
        except OSError:  # the client gave up and closed
            return
