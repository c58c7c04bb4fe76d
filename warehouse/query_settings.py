"""The two limits of a staff query: seconds (``ENVMON_QUERY_TIMEOUT`` / ``--timeout``) and memory
(``ENVMON_QUERY_MEMORY``), checked before the snapshot is opened.

A timeout is 0 (no limit) or a positive finite number of seconds: ``nan`` compares false with everything and
``inf`` overflows the timer, so both used to mean "no limit" or a traceback by accident. Memory is DuckDB's own
``memory_limit`` syntax (``1GB``, ``500MB``, ``2GiB``), checked by DuckDB itself on an in-memory database.
"""

from __future__ import annotations

import math
import os
import re

import duckdb

TIMEOUT_VARIABLE = "ENVMON_QUERY_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 300.0
MEMORY_VARIABLE = "ENVMON_QUERY_MEMORY"
DEFAULT_MEMORY = "1GB"


class QuerySettingError(ValueError):
    """A limit that cannot work; the message names the setting, its value and what to give instead."""


def parse_timeout(raw: str, name: str) -> float:
    """Seconds from ``raw``: 0 = no limit; negative, nan, inf and text are refused."""
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise QuerySettingError(f"{name} is {raw!r}; give 0 (no limit) or a positive number of seconds, e.g. 300")
    return seconds


def query_timeout(env: dict | None = None) -> float:
    """Seconds from ENVMON_QUERY_TIMEOUT (default 300; 0 = no limit)."""
    raw = (os.environ if env is None else env).get(TIMEOUT_VARIABLE, "").strip()
    return parse_timeout(raw, TIMEOUT_VARIABLE) if raw else DEFAULT_TIMEOUT_SECONDS


def query_memory(env: dict | None = None) -> str:
    """DuckDB's ``memory_limit`` from ENVMON_QUERY_MEMORY (default 1GB), refused unless DuckDB accepts it."""
    raw = (os.environ if env is None else env).get(MEMORY_VARIABLE, "").strip() or DEFAULT_MEMORY
    size = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[A-Za-z]+", raw)  # DuckDB reads -1, -5GB and 80% as "no limit"
    try:
        if not size or float(size.group(1)) == 0:
            raise duckdb.InvalidInputException(raw)
        duckdb.connect(config={"memory_limit": raw}).close()
    except duckdb.Error:
        raise QuerySettingError(
            f"{MEMORY_VARIABLE} is {raw!r}; give a size above 0 as DuckDB writes it, e.g. 1GB, 500MB or 2GiB"
        ) from None
    return raw
