"""``envmon query "select 1"`` against bare DuckDB on the same snapshot, each a fresh process (issue 24).

The floor is ``python -c "import duckdb; duckdb.connect(snapshot, read_only=True).sql('select 1')"``: what any
query costs at least (interpreter start, DuckDB import, opening the file). The two commands alternate, so that a
busy machine slows both alike; the figure is the ratio of the medians. Target: envmon <= 2x the floor.

    python -m bench query [--snapshot PATH] [--runs 5] [--sql "select 1"]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0


def default_snapshot() -> Path:
    return Path(os.environ.get("ENVMON_DATA_DIR", ROOT / "data")).resolve() / "published" / "envmon.duckdb"


def commands(snapshot: Path, sql: str) -> dict[str, list[str]]:
    bare = f"import duckdb; duckdb.connect({str(snapshot)!r}, read_only=True).sql({sql!r}).fetchall()"
    return {
        "duckdb": [sys.executable, "-c", bare],
        "envmon": [sys.executable, "-m", "pipelines", "query", sql],
    }


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])}… failed (exit {done.returncode}): {done.stderr.strip()}")
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench query")
    parser.add_argument("--snapshot", type=Path, default=default_snapshot())
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql", default="select 1")
    args = parser.parse_args(argv)
    snapshot = args.snapshot.resolve()
    if not snapshot.is_file():
        print(f"{snapshot}: no snapshot; run `make run` first, or give --snapshot PATH", file=sys.stderr)
        return 2
    if snapshot.name != "envmon.duckdb" or snapshot.parent.name != "published":
        print(f"{snapshot}: give the published snapshot, <data folder>/published/envmon.duckdb", file=sys.stderr)
        return 2
    env = {**os.environ, "ENVMON_DATA_DIR": str(snapshot.parent.parent)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    cmds = commands(snapshot, args.sql)
    for argv_ in cmds.values():  # once each, unmeasured: the file and the modules in the page cache
        timed(argv_, env)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.runs):
        for name, argv_ in cmds.items():
            times[name].append(timed(argv_, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"{name:7} median {medians[name]:.3f} s over {args.runs} ({', '.join(f'{x:.2f}' for x in t)})")
    ratio = medians["envmon"] / medians["duckdb"]
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"envmon / duckdb = {ratio:.2f} (target <= {TARGET_RATIO:g}: {verdict}); load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
