"""Issue 24, failure 1: a corrupted warehouse no longer spreads silently.

Black-box, as the issue reproduced it: a real warehouse made by a short `envmon run`, a verified backup of it, then
4 KiB of random bytes over a data block in the middle of the file (`dd … conv=notrunc`). The next `envmon run`
fails with one line naming the file and the fix, the published snapshot is still the good one, data operations
get the run-failure e-mail, `envmon backup` refuses and the last good backup stays; restored from that backup, the
warehouse is whole again and the next backup goes through."""

import email
import os
import shutil
import subprocess
import sys
from email import policy
from pathlib import Path

import duckdb
import pytest

from warehouse.integrity import check_tables, corrupt_marker
from warehouse.paths import DataPaths

pytestmark = pytest.mark.subprocess

TIMEOUT = 600  # a hung command fails the test instead of hanging it
HEADERS = 3 * 4096  # DuckDB's main header and its two database headers come before block 0


def envmon(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ENVMON_DATA_DIR=str(data), DAGSTER_HOME=str(data / "dagster"), ENVMON_SMTP_HOST="")
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args], env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def damage_the_middle(warehouse: Path) -> int:
    """`dd if=/dev/urandom bs=4096 count=1 conv=notrunc` into the middle one of staging.air_hourly's data blocks
    (the readings of the day before: kept, not rewritten, by the next day's run)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    blocks = [
        b
        for (b,) in con.execute(
            "SELECT DISTINCT block_id FROM pragma_storage_info('staging.air_hourly') "
            "WHERE block_id >= 0 AND segment_type <> 'VALIDITY' ORDER BY 1"
        ).fetchall()
    ]
    con.close()
    offset = HEADERS + blocks[len(blocks) // 2] * block_size + 8192
    with warehouse.open("r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(4096))
    return offset


def test_a_corrupted_warehouse_fails_the_run_and_the_backup_and_the_good_copies_stay(tmp_path):
    data, backups = tmp_path / "data", tmp_path / "backups"
    paths = DataPaths(data)
    first = envmon(data, "run", "--start", "2026-01-13", "--end", "2026-01-13")
    assert first.returncode == 0, first.stdout + first.stderr
    backed_up = envmon(data, "backup", str(backups))
    assert backed_up.returncode == 0 and "checksums good" in backed_up.stdout, backed_up.stdout + backed_up.stderr
    good_snapshot, good_backup = paths.snapshot.read_bytes(), (backups / "warehouse.duckdb").read_bytes()

    damage_the_middle(paths.warehouse)
    run = envmon(data, "run", "--start", "2026-01-14", "--end", "2026-01-14")
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    failed = [line for line in output.splitlines() if "corrupt warehouse" in line]
    assert len(failed) == 1, output
    assert str(paths.warehouse) in failed[0] and "restore the last good backup (docs/deployment.md" in failed[0]
    assert "0 of 1 day(s) succeeded" in output
    assert paths.snapshot.read_bytes() == good_snapshot  # the last good snapshot stays, and is whole
    check_tables(paths.snapshot)
    assert corrupt_marker(paths.warehouse).exists()
    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths.outbox.glob("*.eml")]
    to_ops = [m for m in mails if "data.ops" in str(m["To"]) and "corrupt warehouse" in m.get_body().get_content()]
    assert len(to_ops) == 1, [str(m["Subject"]) for m in mails]

    refused = envmon(data, "backup", str(backups))
    assert refused.returncode != 0
    lines = [line for line in (refused.stdout + refused.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "corrupt warehouse" in lines[0] and "docs/deployment.md" in lines[0], lines
    assert (backups / "warehouse.duckdb").read_bytes() == good_backup  # the last good backup stays
    assert sorted(p.name for p in backups.iterdir()) == ["warehouse.duckdb"]  # no temporary copy left
    check_tables(backups / "warehouse.duckdb")

    # restore (docs/deployment.md, 11): the backup over the warehouse, its WAL gone; the next backup is checked whole
    shutil.copyfile(backups / "warehouse.duckdb", paths.warehouse)
    Path(str(paths.warehouse) + ".wal").unlink(missing_ok=True)
    again = envmon(data, "backup", str(tmp_path / "after"))
    assert again.returncode == 0, again.stdout + again.stderr
    assert not corrupt_marker(paths.warehouse).exists()
