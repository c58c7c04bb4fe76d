"""How long a run waits on its live sources: a connect timeout, a read timeout and one deadline for the whole run.

A machine without network fails in one of two ways: fast (no DNS, connection refused) or as a black hole (the
connection or the answer never comes). The timeouts bound one socket operation; the deadline bounds the run: every
request, retry, back-off wait and page of every live source of a run draws on the same ``Deadline``, and once it
is spent each further request stops at once with one error naming the host and the setting to change.

The deadline counts the time **waited without an answer**: the time spent inside requests, retries and back-off
waits, added up over the run, and set back to zero by every answer (a response read in full, status < 400). A
run with no network, or against a server that accepts and never answers, gives up after ``ENVMON_HTTP_DEADLINE``
seconds of waiting; a long backfill that gets its answers goes on (a fixed 60 s of wall time for the whole run
would stop the default 14-day window of Open-Meteo, 140 requests and as many for the forecast, on a working
network, and a slow validation step before the forecast step would eat into it). See docs/sources.md, "Live
sources without network".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

CONNECT_SETTING = "ENVMON_HTTP_CONNECT_TIMEOUT"
READ_SETTING = "ENVMON_HTTP_READ_TIMEOUT"
DEADLINE_SETTING = "ENVMON_HTTP_DEADLINE"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_DEADLINE = 60.0


class Deadline:
    """The run's time waited on its live sources without an answer (seconds, on a monotonic clock): the time spent
    inside requests, retries and back-off waits that brought no answer, added up over the run. Time between
    requests (a validation, the models) does not count; an answer sets it back to zero; spent, it stays spent."""

    def __init__(self, seconds: float = DEFAULT_DEADLINE, clock: Callable[[], float] = time.monotonic):
        if seconds <= 0:
            raise ValueError(f"{DEADLINE_SETTING} is {seconds!r}: expected a number of seconds above 0")
        self.seconds, self.clock = seconds, clock
        self._used = 0.0  # waited without an answer before the current wait
        self._since: float | None = None  # when the current wait began (inside a request), else None
        self.last_failure = ("", "")  # how the last attempt without an answer ended, and its host (for later errors)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around one request with its retries: the time inside counts until an answer comes."""
        self._since = self.clock()
        try:
            yield
        finally:
            self._used += self.clock() - self._since
            self._since = None

    def remaining(self) -> float:
        current = self.clock() - self._since if self._since is not None else 0.0
        return max(0.0, self.seconds - self._used - current)

    @property
    def spent(self) -> bool:
        return self.remaining() <= 0.0

    def answered(self) -> None:
        """A live source answered: the network works, the run may wait ``seconds`` again."""
        if not self.spent:  # once spent, the run has given up on its live sources: no request is made any more
            self._used = 0.0
            self._since = None if self._since is None else self.clock()

    def give_up(self) -> None:
        """Spend what is left (a retry could not come before the deadline): the run's other requests stop too."""
        self._used, self._since = self.seconds, None if self._since is None else self.clock()


@dataclass(frozen=True)
class HttpLimits:
    """The settings of one run's live sources and the deadline they share (built when the run starts)."""

    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # ENVMON_HTTP_CONNECT_TIMEOUT: seconds to open a connection
    read_timeout: float = DEFAULT_READ_TIMEOUT  # ENVMON_HTTP_READ_TIMEOUT: longest silence while an answer is read
    deadline: Deadline = field(default_factory=Deadline)  # ENVMON_HTTP_DEADLINE

    def __post_init__(self):
        for name, value in ((CONNECT_SETTING, self.connect_timeout), (READ_SETTING, self.read_timeout)):
            if value <= 0:
                raise ValueError(f"{name} is {value!r}: expected a number of seconds above 0")

    @classmethod
    def starting_now(cls, connect_timeout: float, read_timeout: float, deadline: float) -> HttpLimits:
        return cls(connect_timeout, read_timeout, Deadline(deadline))
