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
- ``sleep`` and ``clock`` are injectable: tests replay waits instantly and check them.
"""

from __future__ import annotations

import email.utils
import html
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import requests

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


def redact_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """The URL as it may be shown: query parameters that look like secrets replaced by ***."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, str(v)) for k, v in (params or {}).items()]
    shown = [(k, "***" if any(s in k.lower() for s in SECRET_PARAMS) else v) for k, v in query]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(shown, safe=",:*"), ""))


@dataclass
class HttpClient:
    source: str
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
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
        for attempt in range(self.retries + 1):
            self._throttle(urlsplit(url).netloc)
            last = attempt == self.retries
            try:
                response = self.session.get(
                    url, params=params, headers=headers, timeout=(self.connect_timeout, self.read_timeout)
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last:
                    kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                    raise HttpSourceError(
                        self.source,
                        shown,
                        f"{kind} after {attempt + 1} attempt(s): {type(exc).__name__}",
                        secrets=self.secrets,
                    ) from None
                self._wait(self._backoff(attempt))
                continue
            if response.status_code in RETRY_STATUSES and not last:
                self._wait(self._retry_after(response) or self._backoff(attempt))
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
            return response
        raise AssertionError("unreachable")  # the loop returns or raises on its last attempt

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


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None
