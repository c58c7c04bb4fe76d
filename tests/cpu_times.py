"""CPU seconds per test, for tests/file_weights.csv: a measure that the load of a shared machine does not change.

Wall times on a machine shared with other engineers' suites vary two- to fivefold; the CPU a test uses (its worker's
own plus that of the processes it started and waited for) does not. Enable the plugin for one full run, then write
the weights (docs/DEVELOPING.md "Test tiers"):

    ENVMON_CPU_TIMES=/tmp/cpu PYTEST_PLUGINS=tests.cpu_times make test ARGS=--durations=0
    .venv/bin/python -m tests.cpu_times '/tmp/cpu.*.jsonl' > tests/file_weights.csv

Each worker appends one JSON line per test to `$ENVMON_CPU_TIMES.<pid>.jsonl`. Not counted: a process a test
starts and never waits for (a server it kills), and each worker's collection (imports, ~10 s).
"""

from __future__ import annotations

import glob
import json
import os
import resource
import sys
import time
from collections import defaultdict

import pytest


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    out = os.environ.get("ENVMON_CPU_TIMES")
    own0, children0 = _cpu()
    wall0 = time.time()
    yield
    if out:
        own1, children1 = _cpu()
        line = {"id": item.nodeid, "self": own1 - own0, "children": children1 - children0, "wall": time.time() - wall0}
        with open(f"{out}.{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


def weights(pattern: str) -> list[tuple[str, int]]:
    """(file, CPU seconds) of every file that used at least one second, heaviest first."""
    per_file: dict[str, float] = defaultdict(float)
    for path in glob.glob(pattern):
        with open(path, encoding="utf-8") as f:
            for row in map(json.loads, f):
                per_file[row["id"].split("::")[0]] += row["self"] + row["children"]
    return sorted(((f, round(s)) for f, s in per_file.items() if s >= 1), key=lambda r: (-r[1], r[0]))


if __name__ == "__main__":
    print("file,cpu_seconds,source")
    for file, seconds in weights(sys.argv[1]):
        print(f"{file},{seconds},measured")
