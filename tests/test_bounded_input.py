"""Issue 24: bounded input. A zip-bomb XLSX, rows and columns past their limits, a 100,000-column file: each refused
at the limit it passes, with a reason naming the limit's variable, without reading the rest; a river file over a
limit lands in rejected/ with that reason; `envmon ingest` refuses before copying.

The files are made here, small on disk: a sheet of identical rows compresses about 1,000 to 1."""

import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assets.ingest.files import BadFileError, check_limits, read_tabular
from assets.ingest.limits import InputLimits
from assets.water.landing import process_water_file
from assets.water.sections import load_sections
from warehouse.connection import write_connection
from warehouse.paths import DataPaths

pytestmark = pytest.mark.subprocess

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
HEADER = '<row><c t="inlineStr"><is><t>断面名称</t></is></c><c t="inlineStr"><is><t>监测时间</t></is></c></row>'
ROW = '<row><c t="inlineStr"><is><t>濑溪河 泸县入境(川渝界)</t></is></c><c><v>46035.5</v></c></row>'


def bomb(path: Path, rows: int) -> Path:
    """A minimal, valid XLSX whose one sheet holds ``rows`` identical rows, deflated as it is written."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
        )
        sheets = '<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets>'
        zf.writestr("xl/workbook.xml", f"<workbook {NS} {RELS}>{sheets}</workbook>")
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=rows > 1_000_000) as sheet:
            sheet.write(f"<worksheet {NS}><sheetData>{HEADER}".encode())
            chunk = (ROW * 1000).encode()
            for _ in range(rows // 1000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def big_bomb(tmp_path_factory) -> Path:
    return bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", 1_000_000)  # ~100 MB of sheet in ~0.1 MB


def test_a_zip_bomb_xlsx_is_refused_from_its_declared_size_before_anything_is_inflated(tmp_path, big_bomb):
    path = tmp_path / "bomb.xlsx"
    shutil.copyfile(big_bomb, path)
    assert path.stat().st_size < 2 << 20
    with pytest.raises(BadFileError, match=r"unpacks to a declared .* MiB, more than 64 MiB \(ENVMON_MAX_XLSX"):
        read_tabular(path)
    with pytest.raises(BadFileError, match="ENVMON_MAX_XLSX_UNPACKED_MB"):
        check_limits(path)


def test_an_xlsx_lying_about_its_size_is_never_read_past_what_it_declared(tmp_path):
    """zipfile stops each part at its declared size (then fails its CRC); the byte count is a second fence."""
    path = bomb(tmp_path / "liar.xlsx", 200_000)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    # the sheet's entry in the central directory: its uncompressed size (offset 24) claims 10 kB
    header = data.find(b"xl/worksheets/sheet1.xml", data.find(b"PK\x01\x02")) - 46
    assert data[header : header + 4] == b"PK\x01\x02" and info.file_size > 10_000
    data[header + 24 : header + 28] = (10_000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(BadFileError, match="not a readable XLSX workbook"):
        read_tabular(path)


def test_rows_past_the_limit_are_refused_at_the_row_that_passes_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ENVMON_MAX_ROWS", "1000")
    path = bomb(tmp_path / "long.xlsx", 2000)
    with pytest.raises(BadFileError) as caught:
        read_tabular(path)
    assert caught.value.row == 1001 and "more than 1,000 rows (ENVMON_MAX_ROWS)" in caught.value.reason
    csv = tmp_path / "long.csv"
    csv.write_text("断面名称,监测时间\n" + "S,2026-01-13 08:00\n" * 2000, encoding="utf-8")
    with pytest.raises(BadFileError, match=r"ENVMON_MAX_ROWS"):
        read_tabular(csv)
    monkeypatch.setenv("ENVMON_MAX_ROWS", "2001")  # the header counts
    assert read_tabular(path).height == 2000  # within the limit: every row, the serial time as written
    assert read_tabular(csv).height == 2000


def test_a_one_row_file_of_100000_columns_is_refused_at_its_header(tmp_path):
    names = ",".join(f"c{i}" for i in range(100_000))
    csv = tmp_path / "wide.csv"
    csv.write_text(names + "\n" + ",".join("1" for _ in range(100_000)) + "\n", encoding="utf-8")
    with pytest.raises(BadFileError) as caught:
        read_tabular(csv)
    assert caught.value.row == 1 and "columns in the header" in caught.value.reason
    assert "more than 5,000 columns (ENVMON_MAX_COLUMNS)" in caught.value.reason
    with pytest.raises(BadFileError, match="ENVMON_MAX_COLUMNS"):
        check_limits(csv)

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"c{i}" for i in range(6_000)])
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(BadFileError) as caught:
        read_tabular(tmp_path / "wide.xlsx")
    assert caught.value.row == 1 and "a cell in column 5,001: more than 5,000 columns" in caught.value.reason


def test_a_river_file_over_a_limit_goes_to_rejected_with_its_reason(tmp_path, data_dir, big_bomb):
    path = tmp_path / "bomb.xlsx"
    shutil.copyfile(big_bomb, path)
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        outcome = process_water_file(con, path, paths, load_sections(), dt.datetime(2027, 1, 5))
    assert outcome.status == "rejected" and not path.exists()
    reason = (paths.rejected / "bomb.xlsx.reason.txt").read_text(encoding="utf-8")
    assert "ENVMON_MAX_XLSX_UNPACKED_MB" in reason


def test_envmon_ingest_refuses_a_file_over_the_size_limit_before_copying_it(tmp_path):
    data = tmp_path / "data"
    big = tmp_path / "big.csv"
    big.write_text("断面名称,监测时间\n" + "S,2026-01-13 08:00\n" * 80_000, encoding="utf-8")  # ~1.6 MB
    env = dict(os.environ, ENVMON_DATA_DIR=str(data), DAGSTER_HOME=str(data / "dagster"), ENVMON_MAX_FILE_MB="1")
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", str(big)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode != 0
    assert "file too large" in done.stderr and "ENVMON_MAX_FILE_MB" in done.stderr and "not copied" in done.stderr
    landing = DataPaths(data).landing / "water"
    assert not landing.exists() or not any(landing.iterdir())  # nothing copied, not even a partial copy
    assert big.exists()


def test_limits_come_from_the_settings_with_their_defaults(monkeypatch):
    for name in ("ENVMON_MAX_ROWS", "ENVMON_MAX_COLUMNS", "ENVMON_MAX_XLSX_UNPACKED_MB", "ENVMON_MAX_FILE_MB"):
        monkeypatch.delenv(name, raising=False)
    assert InputLimits.from_env() == InputLimits(1024 << 20, 64 << 20, 500_000, 5_000)
    monkeypatch.setenv("ENVMON_MAX_COLUMNS", "10")
    assert InputLimits.from_env().max_columns == 10


def test_the_one_pass_reader_reads_cells_as_openpyxl_would(tmp_path):
    """Title row, blank rows, dates and times styled as such, whole and fractional numbers, booleans, a formula with
    and without a cached value, a ragged cell, a second sheet with data: what the two-pass openpyxl reader gave."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["川南渝西 export"])
    sheet.append([])
    sheet.append(["断面名称", "监测时间", "pH", "总磷", "note", "flag"])
    sheet.append(["S1", dt.datetime(2026, 1, 13, 8, 0), 7.5, 0.12, "ok", True])
    sheet.append(["S1", dt.date(2026, 1, 13), 7, "=C4*2", None, False])
    sheet.append([])
    sheet.append(["S2", 46035.5, 1e-5, 123456789012, "  spaced  ", "x", "extra"])
    sheet.append(["S3", dt.time(8, 30), 0.5])
    book.create_sheet("other").append(["a", "b"])
    book.create_sheet("empty")
    path = tmp_path / "cells.xlsx"
    book.save(path)
    found: list[dict] = []
    frame = read_tabular(path, found)
    assert frame.columns == ["断面名称", "监测时间", "pH", "总磷", "note", "flag"]
    assert frame.rows() == [
        ("S1", "2026-01-13 08:00:00", "7.5", "0.12", "ok", "True"),
        ("S1", "2026-01-13 00:00:00", "7", "=C4*2", None, "False"),
        (None, None, None, None, None, None),
        ("S2", "46035.5", "1e-05", "123456789012", "spaced", "x"),
        ("S3", "08:30:00", "0.5", None, None, None),
    ]
    kinds = [(p["kind"], p["row"], p["field"]) for p in found]
    assert kinds == [("ragged_row", 7, None), ("xlsx_formula", None, "D5"), ("extra_sheet", None, "other")]


def test_a_doctype_in_a_sheet_is_refused_even_after_a_long_comment(tmp_path):
    """Entities are how an XML bomb grows; no spreadsheet part declares any."""
    path = bomb(tmp_path / "entities.xlsx", 1000)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    prolog = b'<?xml version="1.0"?><!--' + b"x" * 10_000 + b'--><!DOCTYPE w [<!ENTITY a "aaaa">]>'
    parts["xl/worksheets/sheet1.xml"] = prolog + parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(BadFileError, match="declares a DOCTYPE or entities"):
        read_tabular(path)
