"""The national archive reader loses nothing of the catalog's stations: unparsable cells (text, inf, nan, 1e999) are
NULL with their text kept, the rest of each station-hour stays; lines of another date, superseded repeats, station
codes spelt otherwise are kept out or normalised, and reported; a header-only file names itself."""

import datetime as dt

import polars as pl
import pytest

from assets.air.archive import read_archive_day
from assets.air.ingest import ingest_air_batch
from assets.air.sources import SourceOptions, get_air_source
from assets.catalog.stations import load_station_catalog
from assets.ingest.files import BadFileError
from tests.test_archive_reader import DAY, KNOWN, NEXT, write_day
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths


def test_unparsable_cells_are_null_with_their_text_and_the_rest_of_the_row_stays(tmp_path):
    write_day(
        tmp_path,
        DAY,
        {
            (2, "PM2.5", "1882A"): "abc",
            (2, "PM10", "1882A"): "61",
            (2, "SO2", "1882A"): "inf",
            (2, "NO2", "1882A"): "1e999",
            (2, "CO", "1882A"): "nan",
            (2, "O3", "1882A"): "44",
            (3, "PM2.5", "1883A"): "12..3",
            (2, "AQI", "1882A"): "x7",
        },
    )
    read = read_archive_day(tmp_path, DAY, KNOWN)
    rows = read.rows.sort("station_code")
    assert rows.select("station_code", "pm25", "pm10", "so2", "no2", "o3", "co").rows() == [
        ("1882A", None, 61.0, None, None, 44.0, None),
        ("1883A", None, None, None, None, None, None),  # its only cell was unreadable: the station-hour is still there
    ]
    got = {(r["key"], r["parameter"]): (r["original"], r["reason"]) for r in read.rejected_values.iter_rows(named=True)}
    assert got == {
        ("1882A", "pm25"): ("abc", "not a number"),
        ("1882A", "so2"): ("inf", "not a finite number (inf)"),
        ("1882A", "no2"): ("1e999", "number out of range"),
        ("1882A", "co"): ("nan", "not a finite number (nan)"),
        ("1883A", "pm25"): ("12..3", "not a number"),
        ("1882A", "aqi"): ("x7", "not a number"),
    }
    assert set(read.rejected_values["file"]) == {"china_sites_20230120.csv"}
    assert (
        read.rejected_values.filter(pl.col("parameter") == "pm25", pl.col("key") == "1882A")["row_number"].item() == 33
    )


def test_lines_of_another_date_and_superseded_repeats_are_kept_out_and_reported(tmp_path):
    write_day(tmp_path, DAY, {(h, "PM2.5", "1882A"): str(10 + h) for h in range(24)})
    path = tmp_path / "china_sites_20230120.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # rows 17-31 (hour 1, every type) carry another date: loading them would put readings on 2023-01-15
    lines[16:31] = [line.replace("20230120", "20230115", 1) for line in lines[16:31]]
    lines.append("20230120,5,PM2.5,99,,,")  # row 362, a repeat of hour 5's PM2.5 line (row 78): the last one wins
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = read_archive_day(tmp_path, DAY, KNOWN)
    assert read.rows.filter(pl.col("ts") == dt.datetime(2023, 1, 20, 5))["pm25"].item() == 99.0
    assert read.rows.filter(pl.col("ts").dt.day() != 20).height == 0
    assert read.rows.filter(pl.col("ts") == dt.datetime(2023, 1, 20, 1)).height == 0
    kept_out = dict(zip(read.rejected_lines["row_number"], read.rejected_lines["reasons"]))
    assert set(kept_out) == {*range(17, 32), 78}
    assert kept_out[18] == "dated 20230115 in a file named for 20230120: not loaded (a misnamed or mixed file)"
    assert kept_out[78] == "superseded: row 362 repeats PM2.5 at 2023-01-20 05:00 (the last delivery wins)"
    assert '"1882A":"15"' in read.rejected_lines.filter(pl.col("row_number") == 78)["record"].item()
    kinds = {p["kind"]: p for p in read.problems}
    assert set(kinds) == {"date_mismatch", "duplicate_line", "stations_not_in_catalog"}  # 9999A: an empty column
    assert "15 of 361 row(s) carry the date(s) 20230115" in kinds["date_mismatch"]["message"]


def test_station_codes_written_otherwise_are_read_under_the_catalogs_code_and_reported(tmp_path):
    write_day(
        tmp_path, DAY, {(4, "PM2.5", "1883a"): "21", (4, "PM2.5", "18 82A"): "22"}, codes=("18 82A", "1883a", "1897A")
    )
    read = read_archive_day(tmp_path, DAY, KNOWN)
    assert dict(read.rows.select("station_code", "pm25").iter_rows()) == {"1882A": 22.0, "1883A": 21.0}
    lines = sorted(p["message"] for p in read.problems if p["kind"] == "code_normalised")
    assert lines == [
        "station code '18 82A' read as 1882A (the catalog's spelling)",
        "station code '1883a' read as 1883A (the catalog's spelling)",
    ]


def test_a_header_only_file_fails_naming_the_file_and_an_unreadable_next_day_is_reported(tmp_path):
    (tmp_path / "china_sites_20230120.csv").write_text("date,hour,type,1882A,1883A\n", encoding="utf-8")
    with pytest.raises(BadFileError, match=r"china_sites_20230120.csv, row 2: header only: no data lines"):
        read_archive_day(tmp_path, DAY, KNOWN)
    (tmp_path / "china_sites_20230119.csv").write_text("date,hour,type,1882A\n20230119,5,PM2.5,30\n", encoding="utf-8")
    read = read_archive_day(tmp_path, DAY - dt.timedelta(days=1), KNOWN)  # its next day is the header-only file
    assert read.rows["pm25"].to_list() == [30.0] and read.summary["next_day_file"].startswith("unreadable")
    (line,) = [p for p in read.problems if p["kind"] == "file_unreadable"]
    assert "china_sites_20230120.csv" in line["file"] and "header only" in line["message"]
    assert [p.name for p, _ in read.unreadable] == ["china_sites_20230120.csv"]


def test_ingest_keeps_the_cells_lines_problems_and_the_original_file(tmp_path, data_dir):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_day(folder, DAY, {(2, "PM2.5", "1882A"): "abc", (2, "PM10", "1882A"): "61", (3, "PM2.5", "1882A"): "12"})
    path = folder / "china_sites_20230120.csv"
    path.write_text(path.read_text(encoding="utf-8") + "20230120,3,PM2.5,14,,,\r\n", encoding="utf-8")
    write_day(folder, NEXT, {(0, "PM2.5", "1882A"): "inf"})
    catalog = load_station_catalog()
    batch = get_air_source("archive")(DAY, catalog, SourceOptions(input_path=str(folder)))
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        result = ingest_air_batch(
            con,
            paths.raw,
            "archive",
            DAY,
            batch,
            catalog["code"],
            dt.datetime(2023, 2, 1),
            run_id="run-7",
            rejected_dir=paths.rejected,
        )
        q = lambda sql: fetch_polars(con, sql)  # noqa: E731
        staged = q("SELECT ts, pm25, pm10 FROM staging.air_hourly WHERE station_code = '1882A' ORDER BY ts")
        values = q(
            "SELECT file, row_number, field, key, ts, parameter, original, reason, batch_id "
            "FROM quarantine.rejected_values ORDER BY ts"
        )
        rows = q("SELECT file, row_number, reasons, batch_id FROM quarantine.rejected_rows")
        flags = q("SELECT ts, pollutant, flag_code FROM staging.air_value_flags WHERE flag_code = 'UNP' ORDER BY ts")
        problems = q("SELECT kind, run_id, batch_id, day FROM meta.ingest_problems ORDER BY kind")
    assert staged.rows() == [
        (dt.datetime(2023, 1, 20, 2), None, 61.0),
        (dt.datetime(2023, 1, 20, 3), 14.0, None),
        (dt.datetime(2023, 1, 21, 0), None, None),
    ]
    assert values.select("file", "original").rows() == [
        ("china_sites_20230120.csv", "abc"),
        ("china_sites_20230121.csv", "inf"),
    ]
    assert set(values["batch_id"]) == {result.batch_id} and set(rows["batch_id"]) == {result.batch_id}
    assert rows.select("file", "row_number").rows() == [("china_sites_20230120.csv", 48)]
    assert "superseded" in rows["reasons"].item()
    assert flags.rows() == [(dt.datetime(2023, 1, 20, 2), "pm25", "UNP"), (dt.datetime(2023, 1, 21, 0), "pm25", "UNP")]
    assert problems.rows() == [
        ("duplicate_line", "run-7", result.batch_id, DAY),
        ("stations_not_in_catalog", "run-7", result.batch_id, DAY),  # 9999A (an empty column)
        ("unparsable", "run-7", result.batch_id, DAY),
        ("unparsable", "run-7", result.batch_id, DAY),
    ]
    kept = sorted(p.name for p in (paths.raw / "air_hourly" / "archive" / "files").iterdir())
    assert kept == ["china_sites_20230120.csv", "china_sites_20230121.csv"]
    assert (paths.raw / "air_hourly" / "archive" / "files" / path.name).read_bytes() == path.read_bytes()
