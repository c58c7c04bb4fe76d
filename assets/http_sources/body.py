"""A response body read under the run's deadline.

``requests``' read timeout bounds one socket read, not the answer: a server that drips a byte every few seconds
never trips it and could hold a run for hours. The body is therefore read with at most one socket read per chunk
(``read1``) and the deadline is looked at between chunks. Each socket read of an attempt waits at most the read
timeout or what was left of the deadline when the attempt began (the client sets it), whichever is less: an answer
that never comes stops at the deadline, a drip at the deadline plus at most that one read in progress.
"""

from __future__ import annotations

import requests
import urllib3

from assets.http_sources.deadline import DEADLINE_SETTING, Deadline

CHUNK = 64 * 1024


class IncompleteByDeadline(requests.Timeout):
    """The answer was still arriving when the run's deadline was spent (a slow drip)."""


def read_body(response: requests.Response, deadline: Deadline) -> bytes:
    """The whole body of a streamed response (decoded as ``requests`` would: gzip, deflate), or an error of the
    ``requests`` kinds: a ``Timeout`` when a read times out or the deadline passes, a ``ConnectionError`` when the
    connection breaks (a body shorter than its Content-Length included)."""
    parts, size = [], 0
    while True:
        if deadline.spent:
            raise IncompleteByDeadline(f"{size} byte(s) of the answer read when {DEADLINE_SETTING} ran out")
        try:
            data = response.raw.read1(CHUNK, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.ReadTimeout(str(exc)) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise requests.ConnectionError(f"answer cut off after {size} byte(s): {exc}") from None
        if not data:
            return b"".join(parts)
        parts.append(data)
        size += len(data)
