"""The order in which `make test` hands test files to the two xdist workers: the heaviest first.

Under `--dist loadfile` a file stays on one worker and the workers take the next file when they finish one, so the
suite ends when the last file ends. Started last, a 3-minute file keeps one worker busy while the other idles;
started first, it runs beside the many small files. xdist's own default sorts files by their number of tests
(`--loadscope-reorder`), which puts the files of one or two heavy tests last: the Makefile turns that off
(`--no-loadscope-reorder`) and this hook sorts the files by their measured CPU seconds (tests/file_weights.csv,
docs/DEVELOPING.md "Timings"), longest first. The order inside a file stays as written; a file not in the list
counts as light (it goes after the listed ones, in collection order).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

WEIGHTS = Path(__file__).with_name("file_weights.csv")


def load_weights(path: Path = WEIGHTS) -> dict[str, float]:
    """{test file relative to the project: CPU seconds}; a bad row fails collection naming the file, row and fix."""
    weights = {}
    with path.open(encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            try:
                weights[row["file"]] = float(row["cpu_seconds"])
            except (KeyError, TypeError, ValueError) as e:
                raise pytest.UsageError(
                    f"{path}: row {line}: cpu_seconds {row.get('cpu_seconds')!r} of {row.get('file')!r} is not a "
                    f"number ({e}); the header is file,cpu_seconds"
                ) from e
    return weights


def heaviest_first(items: list, weights: dict[str, float]) -> list:
    """The items grouped by file, files by weight descending (ties and unlisted files in collection order)."""
    first_seen: dict[str, int] = {}
    for item in items:
        first_seen.setdefault(item.nodeid.split("::")[0], len(first_seen))

    def key(item):
        file = item.nodeid.split("::")[0]
        return (-weights.get(file, 0.0), first_seen[file])

    return sorted(items, key=key)  # stable: a file's tests keep their order


@pytest.hookimpl(trylast=True)  # after tests/tiers.py has dropped the slow tests of --fast
def pytest_collection_modifyitems(config, items):
    items[:] = heaviest_first(items, load_weights())
