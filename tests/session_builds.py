"""Whole-pipeline fixtures built once per test session, not once per xdist worker.

pytest-xdist gives each worker a session of its own, so a `scope="session"` fixture that two files on two workers
need is built twice: for the February warehouse (14 days of real Dagster runs) that is minutes of CPU. `built_once`
builds into a folder that all the workers of one `pytest` invocation share (the parent of the workers' basetemp,
which xdist puts side by side), under an exclusive `fcntl` lock: the first worker builds, the others wait and find
it done. The builder writes into a temporary folder that is renamed when complete, so a build that failed leaves
nothing that looks done (the next worker that needs it builds again and fails the same way, loudly).

Tests that write get a copy (`copy_of`); a DuckDB file copy is cheap beside a run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this invocation sees: basetemp's parent under xdist, basetemp without it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `build(folder)` filled, built by the first worker that asks for `name` in this invocation."""
    root = shared_root(tmp_path_factory)
    done = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if this worker dies
        if not done.exists():
            building = root / f"shared-{name}.building"
            shutil.rmtree(building, ignore_errors=True)  # what a failed or killed build left
            building.mkdir()
            build(building)
            building.rename(done)
    return done


def copy_of(source: Path, target: Path) -> Path:
    """A private copy of a shared build for a test or file that writes into it."""
    shutil.copytree(source, target)
    return target
