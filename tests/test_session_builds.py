"""tests/session_builds.py: a shared build is made once however many workers ask at once, and a failed build leaves
nothing that looks done."""

import threading
import time

import pytest

from tests.session_builds import built_once, shared_root


def test_many_workers_at_once_build_once_and_all_see_the_result(tmp_path_factory):
    calls = []

    def build(folder):
        calls.append(folder)
        time.sleep(0.2)  # the others arrive while this one builds (flock excludes open() calls, threads included)
        (folder / "warehouse.duckdb").write_text("built")

    got = []
    workers = [
        threading.Thread(target=lambda: got.append(built_once(tmp_path_factory, "once", build))) for _ in range(4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(calls) == 1
    assert len(set(got)) == 1 and (got[0] / "warehouse.duckdb").read_text() == "built"
    assert got[0].parent == shared_root(tmp_path_factory)


def test_a_failed_build_is_not_taken_for_done_and_the_next_caller_builds_again(tmp_path_factory):
    def broken(folder):
        (folder / "half").write_text("x")
        raise RuntimeError("build failed")

    with pytest.raises(RuntimeError, match="build failed"):
        built_once(tmp_path_factory, "retry", broken)
    done = built_once(tmp_path_factory, "retry", lambda folder: (folder / "whole").write_text("ok"))
    assert sorted(p.name for p in done.iterdir()) == ["whole"]
