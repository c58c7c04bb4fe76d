"""How long a run waits on its live sources: a connect timeout, a read timeout and one deadline for the whole run.

A machine without network fails in one of two ways: fast (no DNS, connection refused) or as a black hole (the
connection or the answer never comes). The timeouts bound one socket operation; the deadline bounds the run: every
request, retry, back-off wait and page of every live source of a run draws on the same ``Deadline``, and once it
is spent each further request stops at once with one error naming the host and the setting to change.

The deadline counts the time **without an answer**: it starts with the run and every answer a live source gives
(a response read in full, status < 400) starts it again. A run with no network, or against a server that accepts
and never answers, stops ``ENVMON_HTTP_DEADLINE`` seconds after it started; a long backfill that gets its answers
goes on (a fixed 60 s for the whole run would stop the default 14-day window of Open-Meteo, 140 requests and as
many for the forecast, on a working network). See docs/sources.md, "Live sources without network".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

CONNECT_SETTING = "ENVMON_HTTP_CONNECT_TIMEOUT"
READ_SETTING = "ENVMON_HTTP_READ_TIMEOUT"
DEADLINE_SETTING = "ENVMON_HTTP_DEADLINE"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_DEADLINE = 60.0


class Deadline:
    """The run's time without an answer from its live sources (seconds, on a monotonic clock)."""

    def __init__(self, seconds: float = DEFAULT_DEADLINE, clock: Callable[[], float] = time.monotonic):
        if seconds <= 0:
            raise ValueError(f"{DEADLINE_SETTING} is {seconds!r}: expected a number of seconds above 0")
        self.seconds, self.clock = seconds, clock
        self._expires = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._expires - self.clock())

    @property
    def spent(self) -> bool:
        return self.remaining() <= 0.0

    def answered(self) -> None:
        """A live source answered: the network works, the run may wait ``seconds`` again."""
        if not self.spent:  # once spent, the run has given up on its live sources: no request is made any more
            self._expires = self.clock() + self.seconds

    def give_up(self) -> None:
        """Spend what is left (a retry could not come before the deadline): the run's other requests stop too."""
        self._expires = self.clock()


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
