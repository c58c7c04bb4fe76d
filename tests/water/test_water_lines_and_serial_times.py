"""Issue 24, weak cases: one stray quote rejected a whole river file; Excel serial-number times quarantined their
row with no problem line."""

import datetime as dt
import json

import openpyxl
import polars as pl
import pytest

from assets.ingest.excel_dates import serial_datetime
from tests.water.test_water_files import HEADER, ingest, platform_rows, staged, write_csv
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

TIMES = ["2026-12-04 00:00", "2026-12-04 04:00", "2026-12-04 08:00", "2026-12-04 12:00"]


def quarantined(data_dir) -> pl.DataFrame:
    with write_connection(DataPaths(data_dir).warehouse) as con:
        return fetch_polars(con, "SELECT row_number, reasons, record FROM quarantine.rejected_rows ORDER BY 1")


def problems(data_dir, kind: str) -> pl.DataFrame:
    with write_connection(DataPaths(data_dir).warehouse) as con:
        return fetch_polars(
            con, "SELECT row_number, field, message FROM meta.ingest_problems WHERE kind = ? ORDER BY 1", [kind]
        )


def test_a_stray_quote_quarantines_its_line_and_the_other_rows_load(tmp_path, data_dir):
    rows = platform_rows(TIMES)
    rows[1][5] = '12"1'  # row 3 of the file: a stray quote in the water temperature
    rows[3][2] = '"濑溪河 泸县入境(川渝界)"'  # row 5: quoted whole, well-formed
    path = write_csv(tmp_path / "stray_quote.csv", rows, encoding="utf-8")
    outcome = ingest(data_dir, path)
    assert outcome.status == "loaded" and outcome.rows_staged == 3 and outcome.rows_rejected == 1
    assert sorted(staged(data_dir)["ts"].dt.strftime("%H:%M").to_list()) == ["00:00", "08:00", "12:00"]
    bad = quarantined(data_dir)
    assert bad["row_number"].to_list() == [3] and "malformed CSV line" in bad["reasons"][0]
    assert '12"1' in json.loads(bad["record"][0])["line"]  # the line as it was, kept
    lines = problems(data_dir, "malformed_line")
    assert lines["row_number"].to_list() == [3] and '12"1' in lines["message"][0]


def test_an_unclosed_quote_in_a_gbk_file_costs_one_line_too(tmp_path, data_dir):
    rows = platform_rows(TIMES)
    rows[0][4] = '"Ⅲ'  # opens a quote that never closes: a parser would swallow the rest of the file
    path = write_csv(tmp_path / "unclosed.csv", rows, encoding="gbk")
    outcome = ingest(data_dir, path)
    assert outcome.status == "loaded" and outcome.rows_staged == 3
    assert quarantined(data_dir)["row_number"].to_list() == [2]


def excel_with_serial_times(path, serials: list[float]):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row, serial in zip(platform_rows(["x"] * len(serials)), serials):
        sheet.append([*row[:3], serial, *row[4:]])  # a number in General format: an export without a date format
    book.save(path)
    return path


def test_excel_serial_times_are_read_as_1900_system_dates_and_reported(tmp_path, data_dir):
    # 46360.333333 is 2026-12-04 08:00 (six decimals: 0.03 s short of it), 46360.5 is 12:00
    path = excel_with_serial_times(tmp_path / "serial_times.xlsx", [46360.0, 46360.333333, 46360.5])
    outcome = ingest(data_dir, path)
    assert outcome.status == "loaded" and outcome.rows_staged == 3 and outcome.rows_rejected == 0
    assert staged(data_dir)["ts"].to_list() == [
        dt.datetime(2026, 12, 4, 0),
        dt.datetime(2026, 12, 4, 8),
        dt.datetime(2026, 12, 4, 12),
    ]
    [line] = problems(data_dir, "excel_serial_time").iter_rows(named=True)
    assert line["row_number"] == 2 and line["field"] == "time"
    assert "3 time(s) written as Excel serial numbers" in line["message"] and "1900 date system" in line["message"]


def test_numbers_that_are_no_excel_date_quarantine_their_row_with_a_problem_line(tmp_path, data_dir):
    path = excel_with_serial_times(tmp_path / "bad_serials.xlsx", [46360.5, 12.0, 99999.0])
    outcome = ingest(data_dir, path)
    assert outcome.status == "loaded" and outcome.rows_staged == 1 and outcome.rows_rejected == 2
    reasons = quarantined(data_dir)["reasons"].to_list()
    assert all("a number outside the Excel serial dates of 1990-2099" in r for r in reasons), reasons
    kinds = problems(data_dir, "excel_serial_time")["message"].to_list()
    assert any("2 time(s) are numbers outside the Excel serial dates" in m for m in kinds), kinds
    assert any("1 time(s) written as Excel serial numbers" in m for m in kinds), kinds


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("32874", dt.datetime(1990, 1, 1)),  # the first day read
        ("45352.25", dt.datetime(2024, 3, 1, 6)),  # after a leap day: no drift (the 1900 bug is before serial 61)
        ("45351", dt.datetime(2024, 2, 29)),
        ("73050.999", dt.datetime(2099, 12, 31, 23, 59)),
        ("73051", None),  # 2100-01-01: out of range
        ("60", None),  # Excel's fictitious 1900-02-29: never a reading
        ("2026-12-04", None),  # not a number
    ],
)
def test_serial_numbers_follow_excels_1900_date_system(serial, expected):
    got = pl.select(serial_datetime(pl.lit(serial))).item()
    assert got == expected
