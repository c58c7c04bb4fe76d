"""The two test tiers: `make test-fast` (`pytest --fast`) leaves out the tests marked `slow`, and a guard keeps the
markers honest.

A test is `slow` when it carries any of the markers in SLOW_KINDS (registered in pyproject.toml): it runs a Dagster
job (`pipeline`), starts a process (`subprocess`), listens on a socket (`server`: SMTP, HTTP, PostgreSQL) or drives
Chromium (`browser`). `pytest_collection_modifyitems` adds `slow` to such tests, so `-m "not slow"` works too.

The guard wraps the three ways a test does such a thing — `subprocess.Popen` (every subprocess, PostgreSQL, the
Playwright driver and its Chromium), `socket.listen` (every in-process server) and `JobDefinition.execute_in_process`
(every Dagster run, `dg.materialize` included) — and checks the markers of the test being run (its setup, call and
teardown, so module and session fixtures count for the test that first needs them). In the fast tier an unmarked
start fails the test at once, naming the marker to add; in the full tier it is a warning in the summary, so the
full suite stays green while it points at the test to mark.
"""

from __future__ import annotations

import socket
import subprocess
import warnings

import pytest

SLOW_KINDS = ("pipeline", "subprocess", "server", "browser")

# What each guarded call is, and the markers that allow it (a browser or PostgreSQL is a process too).
ALLOWED = {
    "Popen": ("subprocess", "browser", "server"),
    "listen": ("server",),
    "execute_in_process": ("pipeline",),
}
SUGGEST = {"Popen": "subprocess", "listen": "server", "execute_in_process": "pipeline"}

# Programs the product itself asks a quick question of, in milliseconds, not a process a test starts: the report's
# Chinese font is found through fontconfig (assets/reports/fonts.py, once per process).
QUICK_PROGRAMS = {"fc-list"}

_state: dict = {"item": None, "fast": False}


class UnmarkedSlowTest(UserWarning):
    """A test of the full tier started a server, subprocess, browser or pipeline without the marker saying so."""


def pytest_addoption(parser):
    parser.addoption(
        "--fast",
        action="store_true",
        default=False,
        help="the fast tier (make test-fast): leave out the tests marked slow, and fail any other test that starts "
        "a server, subprocess, browser or Dagster run",
    )


def _fast_tier(config) -> bool:
    return bool(config.getoption("--fast")) or "not slow" in (config.getoption("markexpr") or "")


def configure(config):
    """Called from tests/conftest.py's pytest_configure."""
    _state["fast"] = _fast_tier(config)
    _install()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--fast"):
        kept = [item for item in items if not item.get_closest_marker("slow")]
        dropped = [item for item in items if item.get_closest_marker("slow")]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _state["item"] = item
    try:
        yield
    finally:
        _state["item"] = None


def _check(what: str, detail: str) -> None:
    item = _state["item"]
    if item is None or any(item.get_closest_marker(kind) for kind in ALLOWED[what]):
        return
    marker = SUGGEST[what]
    message = (
        f"{item.nodeid} calls {what} ({detail}) but is not marked {' or '.join(ALLOWED[what])}: add "
        f"`pytestmark = pytest.mark.{marker}` at the top of {item.path.name} (all its tests) or "
        f"`@pytest.mark.{marker}` on the test, so that `make test-fast` leaves it out (tests/tiers.py)"
    )
    if _state["fast"]:
        raise RuntimeError("fast tier: " + message)
    warnings.warn(message, UnmarkedSlowTest, stacklevel=3)


def _install() -> None:
    """Wrap the guarded calls once per process (xdist workers each configure their own)."""
    if getattr(subprocess.Popen, "_envmon_guarded", False):
        return

    popen_init = subprocess.Popen.__init__

    def guarded_popen(self, args, *a, **kw):
        program = args[0] if isinstance(args, (list, tuple)) and args else args
        if str(program).rsplit("/", 1)[-1] not in QUICK_PROGRAMS:
            _check("Popen", str(args)[:120])
        popen_init(self, args, *a, **kw)

    subprocess.Popen.__init__ = guarded_popen
    subprocess.Popen._envmon_guarded = True

    listen = socket.socket.listen

    def guarded_listen(self, *a):
        _check("listen", repr(self.getsockname()))
        return listen(self, *a)

    socket.socket.listen = guarded_listen

    import dagster as dg  # the fixtures and tests import it anyway; here it is wrapped before they run

    execute = dg.JobDefinition.execute_in_process

    def guarded_execute(self, *a, **kw):
        _check("execute_in_process", f"job {self.name}")
        return execute(self, *a, **kw)

    dg.JobDefinition.execute_in_process = guarded_execute
