"""One HTTP layer for every live source: a ``requests`` session with timeouts, retries, a rate limit per host.

- Retries with exponential back-off on connection errors, timeouts, 429 and 5xx; a 429/503 ``Retry-After``
  (seconds or an HTTP date) is honoured, capped at ``max_wait``.
- At most ``per_host_per_second`` requests per host (public APIs throttle; Open-Meteo asks for < 10/s).
- Errors name the source, the URL *without secrets* and the status. Secrets travel in headers (OpenAQ's
  ``X-API-Key``) and any query parameter named like a key is masked, so neither reaches a log, an error or
  Dagster metadata. A server may echo a secret in its body (an HTML error page quoting the request): every
  error message, and the live-feed body, has the known secrets (the secret headers, ``ENVMON_OPENAQ_API_KEY``,
  ``ENVMON_SMTP_PASSWORD``; plain, URL-encoded or HTML-escaped) replaced by ``***`` before it is raised, logged or
  stored in Dagster's event storage.
- Timeouts and the run's deadline (``deadline.py``): each socket operation, and the name lookup (``lookup.py``),
  waits at most the connect or read timeout and never longer than what is left of the run's deadline; a retry
  whose back-off would outlast the deadline is not made; once the deadline is spent, ``HttpDeadlineError`` names
  the host and the setting.
- ``sleep`` and ``clock`` are injectable: tests replay waits instantly and check them.
"""

from __future__ import annotations

import email.utils
import html
import json
import math
import os
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import requests

from assets.http_sources.body import IncompleteByDeadline, read_body
from assets.http_sources.deadline import (
    CONNECT_SETTING,
    DEADLINE_SETTING,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    READ_SETTING,
    Deadline,
    HttpLimits,
)
from assets.http_sources.lookup import LookupTimeout, look_up

USER_AGENT = "envmon/0.1 (joint environmental office of South Sichuan & West Chongqing; data pipeline)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = ("key", "token", "secret", "password", "apikey", "api_key")


SECRET_VARIABLES = ("ENVMON_OPENAQ_API_KEY", "ENVMON_SMTP_PASSWORD")
SECRET_HEADERS = ("key", "token", "secret", "authorization", "password")
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary text; no real key is that short


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret replaced by ``***``: ``secrets`` and the ENVMON_* secrets of the
    environment, as written, URL-encoded or HTML-escaped."""
    values = {v for v in (*secrets, *(os.environ.get(n, "") for n in SECRET_VARIABLES)) if len(v) >= MIN_SECRET_LENGTH}
    forms = {form for v in values for form in (v, quote(v, safe=""), quote_plus(v), html.escape(v))}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


class HttpSourceError(RuntimeError):
    """A request that failed for good (after retries), or a response that is not what the source promises."""

    def __init__(self, source: str, url: str, message: str, status: int | None = None, secrets: Iterable[str] = ()):
        self.source, self.url, self.status = source, redact(url, secrets), status
        where = f"{source}: GET {self.url}" + (f" -> HTTP {status}" if status is not None else "")
        super().__init__(redact(f"{where}: {message}", secrets))


class HttpDeadlineError(HttpSourceError):
    """The run's deadline is spent: no live source of the run makes another request (sources stop, not skip)."""

    def __init__(self, source: str, url: str, host: str, deadline: Deadline, failure: str, attempts: int):
        """``failure``: how the last attempt ended (with the timeout setting that bounded it); ``attempts``: how many
        this request made (0: none, the run had given up before: the failure that made it give up is named)."""
        self.source, self.url, self.status, self.host = source, url, None, host
        if attempts:
            what = f"{failure}, {attempts} attempt(s)"
        else:
            failed, where = deadline.last_failure
            what = f"not asked, the run gave up earlier: {failed or 'no answer'}" + (
                f" at {where}" if where != host else ""
            )
        # short enough for the one line of a failed run (sensors/run_errors.py cuts at 300 characters)
        RuntimeError.__init__(
            self,
            f"{source}: no answer from {host} within {DEADLINE_SETTING}={deadline.seconds:g} s ({what}): "
            f"check the network or raise {DEADLINE_SETTING}",
        )


def redact_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """The URL as it may be shown: query parameters that look like secrets replaced by ***."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, str(v)) for k, v in (params or {}).items()]
    shown = [(k, "***" if any(s in k.lower() for s in SECRET_PARAMS) else v) for k, v in query]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(shown, safe=",:*"), ""))


@dataclass
class HttpClient:
    source: str
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # each also bounded by what is left of the deadline
    read_timeout: float = DEFAULT_READ_TIMEOUT
    retries: int = 4
    backoff: float = 1.0  # first wait; doubles on each retry
    max_wait: float = 120.0
    per_host_per_second: float = 5.0
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold an API key: never shown
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=requests.Session)
    _last_request: dict[str, float] = field(default_factory=dict, repr=False)
    waits: list[float] = field(default_factory=list, repr=False)  # back-off waits before retries (seconds)
    throttled: list[float] = field(default_factory=list, repr=False)  # rate-limit waits (seconds)
    deadline: Deadline | None = None  # the run's, shared by its sources (None: one of its own, the default length)
    resolve: Callable = field(default=socket.getaddrinfo, repr=False)  # the name lookup (lookup.py); tests: slow DNS
    _resolved: set[str] = field(default_factory=set, repr=False)  # hosts looked up once already

    def __post_init__(self):
        if self.deadline is None:
            self.deadline = Deadline(clock=self.clock)

    @classmethod
    def within(cls, source: str, limits: HttpLimits | None, **kw) -> HttpClient:
        """A client with the run's timeouts and deadline (``limits``; None: the defaults, a deadline of its own)."""
        if limits is None:
            return cls(source, **kw)
        return cls(source, limits.connect_timeout, limits.read_timeout, deadline=limits.deadline, **kw)

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        response = self.get(url, params)
        try:
            # NaN, Infinity and overflows (1e999) are no JSON numbers: read as missing, never stored as values
            return json.loads(response.text, parse_constant=lambda _: None, parse_float=_finite)
        except ValueError as exc:
            snippet = redact(response.text, self.secrets)[:120].replace("\n", " ")
            raise HttpSourceError(
                self.source,
                redact_url(url, params),
                f"malformed JSON ({exc}); body starts {snippet!r}",
                response.status_code,
                self.secrets,
            ) from None

    @property
    def secrets(self) -> list[str]:
        """The values of the secret headers (e.g. OpenAQ's X-API-Key)."""
        return [v for k, v in self.headers.items() if any(s in k.lower() for s in SECRET_HEADERS)]

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        shown = redact_url(url, params)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json, text/csv;q=0.9", **self.headers}
        with self.deadline.waiting():  # the time in here counts toward the run's deadline until an answer comes
            return self._get(url, params, shown, urlsplit(url), headers)

    def _get(
        self, url: str, params: Mapping[str, Any] | None, shown: str, parts: SplitResult, headers: Mapping[str, str]
    ) -> requests.Response:
        failure = ""
        for attempt in range(self.retries + 1):
            if self.deadline.spent:
                raise HttpDeadlineError(self.source, shown, parts.hostname or shown, self.deadline, failure, attempt)
            self._throttle(parts.netloc)
            last = attempt == self.retries
            try:
                response = self._fetch(url, params, headers)
            except (requests.ConnectionError, requests.Timeout) as exc:
                kind, why = self._failure(exc)
                failure = f"{kind} ({why})"
                self.deadline.last_failure = (failure, parts.hostname or shown)
                if last and not self.deadline.spent:
                    raise HttpSourceError(
                        self.source, shown, f"{kind} after {attempt + 1} attempt(s) ({why})", secrets=self.secrets
                    ) from None
                self._wait_within(self._backoff(attempt), shown, parts.hostname or shown, failure, attempt + 1)
                continue
            if response.status_code in RETRY_STATUSES and not last:
                wait = self._retry_after(response) or self._backoff(attempt)
                if wait >= self.deadline.remaining():  # the server answers: this request fails, not the run
                    raise HttpSourceError(
                        self.source,
                        shown,
                        f"{response.reason or ''} after {attempt + 1} attempt(s); a retry in {wait:g} s would "
                        f"come after {DEADLINE_SETTING}".strip(),
                        response.status_code,
                        self.secrets,
                    )
                self._wait(wait)
                continue
            if response.status_code >= 400:
                reason = response.reason or ""
                raise HttpSourceError(
                    self.source,
                    shown,
                    f"{reason} after {attempt + 1} attempt(s)".strip(),
                    response.status_code,
                    self.secrets,
                )
            self.deadline.answered()
            return response
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt

    def _fetch(self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str]) -> requests.Response:
        """One attempt, read in full, each socket operation within its timeout and what is left of the deadline."""
        host = urlsplit(url).hostname
        if host not in self._resolved:  # DNS is not bounded by requests' timeouts (lookup.py)
            if look_up(host, min(self.connect_timeout, self.deadline.remaining()), self.resolve):
                self._resolved.add(host)
        left = self.deadline.remaining()
        timeout = (min(self.connect_timeout, left), min(self.read_timeout, left))
        response = self.session.get(url, params=params, headers=headers, timeout=timeout, stream=True)
        try:
            # what ``requests`` does when it is not streaming, here under the deadline (body.py says why)
            response._content = read_body(response, self.deadline)
        finally:
            response.close()
        return response

    def _failure(self, exc: Exception) -> tuple[str, str]:
        """How an attempt failed, in words, and what bounded it (the setting, or the connection error's cause)."""
        if isinstance(exc, LookupTimeout):
            return "name lookup (DNS) timed out", f"{CONNECT_SETTING}={self.connect_timeout:g} s"
        if isinstance(exc, requests.ConnectTimeout):
            return "connect timed out", f"{CONNECT_SETTING}={self.connect_timeout:g} s"
        if isinstance(exc, IncompleteByDeadline):
            return "answer still incomplete", str(exc)
        if isinstance(exc, requests.Timeout):
            return "read timed out", f"{READ_SETTING}={self.read_timeout:g} s"
        return "connection failed", _cause(exc)

    def _wait_within(self, seconds: float, shown: str, host: str, failure: str, attempts: int) -> None:
        """The back-off before a retry, unless the retry would come after the deadline: then the run gives up."""
        if seconds >= self.deadline.remaining():
            self.deadline.give_up()
            raise HttpDeadlineError(self.source, shown, host, self.deadline, failure, attempts)
        self._wait(seconds)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2**attempt, self.max_wait)

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:  # or an HTTP date
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return None
        return min(max(seconds, 0.0), self.max_wait)

    def _throttle(self, host: str) -> None:
        gap = 1.0 / self.per_host_per_second if self.per_host_per_second > 0 else 0.0
        previous = self._last_request.get(host)
        if previous is not None and self.clock() - previous < gap:
            pause = gap - (self.clock() - previous)
            self.throttled.append(pause)
            self.sleep(pause)
        self._last_request[host] = self.clock()

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.sleep(seconds)


def _cause(exc: BaseException) -> str:
    """The innermost reason of a connection error by name (ConnectionRefusedError, NameResolutionError...): requests
    wraps urllib3's error, which wraps the socket's."""
    chain = [exc]
    while len(chain) < 10:
        here = chain[-1]
        inner = getattr(here, "reason", None) or here.__cause__ or (here.args[0] if here.args else None)
        if not isinstance(inner, BaseException) or inner in chain:
            break
        chain.append(inner)
    names = [type(e).__name__ for e in chain]
    return names[-2] if names[-1] == "gaierror" and len(names) > 1 else names[-1]  # urllib3's name says DNS


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None
