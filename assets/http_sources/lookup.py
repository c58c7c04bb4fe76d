"""The name lookup (DNS) of a live source's host, bounded by the connect timeout and the run's deadline.

``getaddrinfo`` is the operating system's and blocks for the resolver's own timeouts (``/etc/resolv.conf``: 5 s x
2 attempts per server, more with several servers and IPv6), which no timeout of ``requests`` bounds: on a machine
whose DNS server cannot be reached, each attempt of each request would wait that long. The lookup is therefore
made first in a thread and waited for at most the time allowed; a host that resolved once is not looked up again
by the same client. A lookup that fails (unknown host) is left to ``requests``, which reports it with its own error.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable

import requests


class LookupTimeout(requests.ConnectTimeout):
    """The host's name lookup did not finish in time (an unreachable DNS server)."""


def look_up(host: str | None, seconds: float, resolve: Callable = socket.getaddrinfo) -> bool:
    """True when ``host`` resolved (or is an address); False when the lookup failed at once (``requests`` will say
    why); ``LookupTimeout`` when it did not finish within ``seconds`` (the thread is left to end on its own)."""
    if not host or _is_address(host):
        return True
    outcome: list[bool] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            resolve(host, None)
            outcome.append(True)
        except OSError:
            outcome.append(False)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"dns {host}", daemon=True).start()
    if not done.wait(seconds):
        raise LookupTimeout(f"name lookup of {host} took more than {seconds:g} s")
    return outcome[0]


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False
