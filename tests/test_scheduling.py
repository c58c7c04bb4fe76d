"""tests/scheduling.py: the heaviest files go to the workers first, a file's tests stay together and in order, and
the weights file names only files that exist."""

from types import SimpleNamespace

import pytest

from tests.conftest import PROJECT
from tests.scheduling import heaviest_first, load_weights


def items(*nodeids):
    return [SimpleNamespace(nodeid=n) for n in nodeids]


def test_files_by_weight_descending_tests_in_their_order_unlisted_files_last_in_collection_order():
    collected = items(
        "tests/a.py::t1", "tests/b.py::t1", "tests/a.py::t2", "tests/c.py::t1", "tests/d.py::t1", "tests/b.py::t2"
    )
    ordered = heaviest_first(collected, {"tests/b.py": 200.0, "tests/c.py": 30.0})
    assert [i.nodeid for i in ordered] == [
        "tests/b.py::t1",
        "tests/b.py::t2",
        "tests/c.py::t1",
        "tests/a.py::t1",
        "tests/a.py::t2",
        "tests/d.py::t1",
    ]


def test_a_bad_weight_names_the_file_the_row_and_the_header(tmp_path):
    path = tmp_path / "file_weights.csv"
    path.write_text("file,cpu_seconds,source\ntests/a.py,12,measured\ntests/b.py,twelve,measured\n")
    with pytest.raises(pytest.UsageError, match=r"file_weights.csv: row 3: cpu_seconds 'twelve' of 'tests/b.py'"):
        load_weights(path)


def test_every_weighted_file_exists():
    missing = [f for f in load_weights() if not (PROJECT / f).is_file()]
    assert missing == [], f"tests/file_weights.csv names files that are gone (renamed or split?): {missing}"
