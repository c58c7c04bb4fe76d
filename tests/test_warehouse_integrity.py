"""A damaged block is found before anything is published or copied (``warehouse.integrity``, ``warehouse.snapshot``).

A real DuckDB file with a table of many blocks; a block in its middle overwritten on disk as `dd` would. DuckDB
opens the file and answers ``count(*)`` without noticing: only reading the block fails its checksum."""

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from assets.publish import tables_to_check
from warehouse.integrity import CorruptWarehouseError, check_tables, corrupt_marker
from warehouse.snapshot import publish_snapshot, temporary_snapshots

HEADERS = 3 * 4096  # DuckDB's main header and its two database headers come before block 0


def make_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA seeds")
    # random doubles do not compress: ~16 MB, some 60 blocks of 256 KiB
    con.execute("CREATE TABLE staging.air_hourly AS SELECT range AS id, random() AS value FROM range(2000000)")
    con.execute("CREATE TABLE seeds.areas AS SELECT 'zigong' AS area, 1 AS n")
    con.close()


def damage_a_block(path: Path, table: str, column: str) -> int:
    """Overwrite 4 KiB inside a data block of ``table.column`` from the middle of its blocks; the block's offset."""
    con = duckdb.connect(str(path), read_only=True)
    block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    blocks = [
        b
        for (b,) in con.execute(
            f"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') "
            "WHERE column_name = ? AND block_id >= 0 AND segment_type <> 'VALIDITY' ORDER BY 1",
            [column],
        ).fetchall()
    ]
    con.close()
    assert len(blocks) > 10, "the table should span many blocks"
    offset = HEADERS + blocks[len(blocks) // 2] * block_size
    with path.open("r+b") as fh:
        fh.seek(offset + 4096)
        fh.write(os.urandom(4096))
    return offset


@pytest.fixture
def damaged(tmp_path) -> tuple[Path, Path]:
    good, bad = tmp_path / "good.duckdb", tmp_path / "warehouse.duckdb"
    make_warehouse(good)
    shutil.copyfile(good, bad)
    damage_a_block(bad, "staging.air_hourly", "value")
    return good, bad


def test_a_damaged_block_passes_count_but_fails_the_check_naming_table_and_fix(damaged):
    good, bad = damaged
    con = duckdb.connect(str(bad), read_only=True)
    assert con.execute("SELECT count(*) FROM staging.air_hourly").fetchone()[0] == 2_000_000  # silent
    con.close()
    assert check_tables(good).tables == 2
    with pytest.raises(CorruptWarehouseError) as caught:
        check_tables(bad)
    message = str(caught.value)
    assert "\n" not in message and str(bad) in message and "staging.air_hourly" in message
    assert "restore the last good backup (docs/deployment.md" in message and "checksum" in message
    assert check_tables(bad, ["seeds"]).tables == 1  # proportional: the undamaged tables alone pass


def test_a_corrupt_warehouse_is_never_published_and_the_last_good_snapshot_stays(damaged, tmp_path):
    good, bad = damaged
    snapshot = tmp_path / "published" / "envmon.duckdb"
    live = tmp_path / "live.duckdb"
    shutil.copyfile(good, live)
    publish_snapshot(live, snapshot)
    before = snapshot.read_bytes()
    with pytest.raises(CorruptWarehouseError, match="staging.air_hourly"):
        publish_snapshot(bad, snapshot, verify=["staging.air_*"])
    assert snapshot.read_bytes() == before and temporary_snapshots(snapshot) == []
    assert corrupt_marker(bad).exists()
    # marked corrupt: a publish asked to check only an undamaged table checks everything, and refuses
    with pytest.raises(CorruptWarehouseError):
        publish_snapshot(bad, snapshot, verify=["seeds"])
    assert snapshot.read_bytes() == before
    # restored from the good copy: the full check passes, the marker goes, publishing resumes
    shutil.copyfile(good, bad)
    publish_snapshot(bad, snapshot, verify=["seeds"])
    assert not corrupt_marker(bad).exists()
    check_tables(snapshot)


def test_a_damaged_catalog_fails_the_open_with_the_same_line(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    make_warehouse(path)
    with path.open("r+b") as fh:  # both database headers: the open itself fails their checksums
        for header in (4096, 8192):
            fh.seek(header + 16)
            fh.write(os.urandom(64))
    with pytest.raises(CorruptWarehouseError, match="restore the last good backup") as caught:
        check_tables(path)
    assert caught.value.table is None and str(path) in str(caught.value)


def test_a_run_checks_the_tables_it_selected_and_everything_when_it_cannot_know():
    import dagster as dg

    keys = [dg.AssetKey(k) for k in (["staging", "water_readings"], ["marts", "water_reading_class"])]
    keys.append(dg.AssetKey(["staging", "air_hourly"]))
    chosen = tables_to_check(frozenset(keys[:2]), keys)
    assert "staging.water_readings" in chosen and "marts.water_reading_class" in chosen
    assert "staging.water_*" in chosen and "alerts" in chosen and "meta" in chosen
    assert "staging.air_hourly" not in chosen and "staging.air_*" not in chosen
    assert tables_to_check(None, keys) is None
    assert tables_to_check(frozenset({dg.AssetKey(["published", "snapshot"])}), keys) is None


def test_a_warehouse_that_cannot_queue_the_failure_mail_sends_it_directly(data_dir, monkeypatch):
    """The run-failure e-mail is queued in the warehouse; when that file is the corrupt one, it goes out at once."""
    import datetime as dt
    import email
    from contextlib import contextmanager
    from email import policy

    from pipelines.commands import alert_summary
    from warehouse.paths import DataPaths

    paths = DataPaths(data_dir)
    paths.warehouse.parent.mkdir(parents=True)
    paths.warehouse.write_bytes(b"")  # present (after_run needs a warehouse); every open below fails as corrupt
    monkeypatch.setenv("ENVMON_SMTP_HOST", "")
    error = CorruptWarehouseError(paths.warehouse, "intermediate.air_hourly_moving", "Corrupt database file: …")

    @contextmanager
    def corrupt(path):
        raise error
        yield

    monkeypatch.setattr(alert_summary, "write_connection", corrupt)
    failed = [("2026-01-14 .. 2026-01-14", "run-1", f"sql_models: {error}")]
    lines = alert_summary.after_run([dt.date(2026, 1, 14)], failed, dt.datetime(2026, 1, 15))
    assert lines == ["  run-failure e-mail sent directly to data operations (1): the warehouse cannot queue it"]
    [mail] = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths.outbox.glob("*.eml")]
    assert "data.ops" in str(mail["To"]) and "数据处理失败" in str(mail["Subject"])
    body = mail.get_body(("plain",)).get_content()
    assert "corrupt warehouse" in body and "restore the last good backup" in body and "run-1" in body
