"""The guard that keeps `make test-fast` honest (tests/tiers.py): this file is unmarked, so in the fast tier each
guarded call must fail before it starts anything, naming the marker to add."""

import socket
import subprocess

import dagster as dg
import pytest

from tests import tiers


@pytest.fixture
def fast_tier(monkeypatch):
    monkeypatch.setitem(tiers._state, "fast", True)


def test_an_unmarked_subprocess_fails_the_fast_tier_before_it_starts(fast_tier):
    with pytest.raises(RuntimeError, match=r"test_tiers\.py.*not marked subprocess.*pytest\.mark\.subprocess"):
        subprocess.run(["envmon-no-such-program"], check=False)  # started, it would be FileNotFoundError


def test_an_unmarked_server_fails_the_fast_tier_before_it_listens(fast_tier):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        with pytest.raises(RuntimeError, match=r"calls listen .*pytest\.mark\.server"):
            sock.listen()


def test_an_unmarked_dagster_run_fails_the_fast_tier_before_it_runs(fast_tier):
    ran = []

    @dg.asset
    def probe():
        ran.append(1)

    with pytest.raises(RuntimeError, match=r"execute_in_process .*pytest\.mark\.pipeline"):
        dg.materialize([probe])
    assert ran == []


def test_the_full_tier_warns_instead(monkeypatch):
    monkeypatch.setitem(tiers._state, "fast", False)
    with pytest.warns(tiers.UnmarkedSlowTest, match="not marked server"):
        tiers._check("listen", "('127.0.0.1', 0)")


def test_fc_list_is_a_quick_question_not_a_started_process(fast_tier, monkeypatch):
    calls = []
    monkeypatch.setattr(tiers, "_check", lambda what, detail: calls.append(what))
    with pytest.raises(FileNotFoundError):
        subprocess.run(["/nonexistent/fc-list"], check=False)
    assert calls == []
