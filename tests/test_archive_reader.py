"""The national archive reader on small hand-made files in the real layout (date,hour,type,<codes>)."""

import datetime as dt

import polars as pl
import pytest

from assets.air.archive import read_archive_day
from assets.air.sources import SourceOptions, get_air_source
from assets.catalog.stations import load_station_catalog
from assets.ingest.files import BadFileError

TYPES = [
    "AQI",
    "PM2.5",
    "PM2.5_24h",
    "PM10",
    "PM10_24h",
    "SO2",
    "SO2_24h",
    "NO2",
    "NO2_24h",
    "O3",
    "O3_24h",
    "O3_8h",
    "O3_8h_24h",
    "CO",
    "CO_24h",
]
KNOWN = pl.Series(["1882A", "1883A", "1897A"])


def write_day(
    folder,
    day: dt.date,
    cells: dict[tuple[int, str, str], str],
    codes=("1882A", "1883A", "1897A", "9999A"),
    header_tail: str = "",
) -> None:
    """A file with all 24 hours x 15 types; ``cells[(hour, type, code)]`` set, every other cell empty."""
    lines = [",".join(["date", "hour", "type", *codes]) + header_tail]
    for hour in range(24):
        for kind in TYPES:
            values = [cells.get((hour, kind, c), "") for c in codes]
            lines.append(",".join([f"{day:%Y%m%d}", str(hour), kind, *values]) + ("," * header_tail.count(",")))
    (folder / f"china_sites_{day:%Y%m%d}.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


DAY = dt.date(2023, 1, 20)
NEXT = DAY + dt.timedelta(days=1)


def test_natural_day_takes_hours_1_to_23_of_its_file_and_hour_0_of_the_next(tmp_path):
    write_day(
        tmp_path,
        DAY,
        {
            (0, "PM2.5", "1882A"): "11",
            (1, "PM2.5", "1882A"): "12",
            (23, "PM2.5", "1882A"): "13",
            (1, "AQI", "1882A"): "17",
            (1, "PM2.5_24h", "1882A"): "20",
        },
    )
    write_day(tmp_path, NEXT, {(0, "PM2.5", "1882A"): "14", (1, "PM2.5", "1882A"): "15", (0, "CO", "1882A"): "0.7"})
    read = read_archive_day(tmp_path, DAY, KNOWN)
    got = read.rows.filter(pl.col("station_code") == "1882A").select("ts", "pm25", "co").rows()
    assert got == [
        (dt.datetime(2023, 1, 20, 1), 12.0, None),
        (dt.datetime(2023, 1, 20, 23), 13.0, None),
        (dt.datetime(2023, 1, 21, 0), 14.0, 0.7),  # hour 0 of the next file ends this natural day
    ]
    published = read.published.row(0, named=True)
    assert (published["ts"], published["aqi"], published["pm25_24h"]) == (dt.datetime(2023, 1, 20, 1), 17.0, 20.0)
    assert read.summary["files"] == ["china_sites_20230120.csv", "china_sites_20230121.csv"]


def test_missing_next_day_file_is_reported_not_fatal_and_missing_own_file_is(tmp_path):
    write_day(tmp_path, DAY, {(5, "PM10", "1883A"): "40"})
    read = read_archive_day(tmp_path, DAY, KNOWN)
    assert read.rows.height == 1 and read.summary["next_day_file"].startswith("missing")
    with pytest.raises(BadFileError, match="china_sites_20230121.csv"):
        read_archive_day(tmp_path, NEXT, KNOWN)


def test_empty_columns_unknown_stations_and_unparsable_cells_are_reported(tmp_path):
    write_day(
        tmp_path,
        DAY,
        {
            (1, "PM2.5", "1882A"): "abc",
            (1, "PM10", "1882A"): "—",
            (2, "PM2.5", "1882A"): "30",
            (2, "PM2.5", "9999A"): "44",
        },
        header_tail=",,",
    )
    read = read_archive_day(tmp_path, DAY, KNOWN)
    file = str(tmp_path / "china_sites_20230120.csv")
    # header = row 1; hour 1 PM2.5 is data row 1 x 15 + 2 (the PM2.5 line of hour 1) = row 18
    assert read.rejected_values.select("file", "row_number", "field", "parameter", "original", "reason").rows() == [
        ("china_sites_20230120.csv", 18, "1882A", "pm25", "abc", "not a number")
    ]
    (line,) = [p for p in read.problems if p["kind"] == "unparsable"]
    assert (line["file"], line["row"], line["field"]) == (file, 18, "1882A") and "1 cell(s)" in line["message"]
    assert read.summary["unparsable_cells"] == {"china_sites_20230120.csv": 1}
    assert read.summary["empty_columns"]["china_sites_20230120.csv"] == {"count": 2, "examples": ["1883A", "1897A"]}
    assert (read.summary["stations_not_in_catalog"], read.summary["stations_not_in_catalog_examples"]) == (1, ["9999A"])
    # out of the catalog's scope: counted and named in the summary, not loaded
    assert read.summary["stations_not_in_catalog_rows"] == 1
    assert read.rows.filter(pl.col("station_code") == "9999A").height == 0
    assert read.published.filter(pl.col("station_code") == "9999A").height == 0
    # ... and never without a word: a problem line lists the code and its hours
    (unknown,) = [p for p in read.problems if p["kind"] == "stations_not_in_catalog"]
    assert unknown["file"] == file and "1 station code(s) not in the station catalog" in unknown["message"]
    assert "9999A (1 h)" in unknown["message"] and "1 station-hour(s) not loaded" in unknown["message"]


def test_unreadable_hours_and_unknown_types_are_reported_with_their_row(tmp_path):
    path = tmp_path / "china_sites_20230120.csv"
    path.write_text(
        "date,hour,type,1882A\n20230120,1,PM2.5,10\n20230120,x,PM2.5,11\n20230120,2,PM1,12\n", encoding="utf-8"
    )
    read = read_archive_day(tmp_path, DAY, KNOWN)
    assert read.rows["pm25"].to_list() == [10.0]
    assert [(p["row"], p["field"], p["kind"]) for p in read.problems] == [
        (3, "date/hour", "bad_key"),
        (4, "type", "unknown_type"),
    ]
    assert read.rejected_lines["row_number"].to_list() == [3, 4]  # kept out whole, with their cells, in quarantine


def test_a_file_without_the_layout_names_file_and_row(tmp_path):
    (tmp_path / "china_sites_20230120.csv").write_text("station,time,pm25\n1882A,1,2\n", encoding="utf-8")
    with pytest.raises(BadFileError, match=r"china_sites_20230120.csv, row 1: unknown header"):
        read_archive_day(tmp_path, DAY, KNOWN)


def test_registered_as_the_archive_source_with_the_published_side_table(tmp_path):
    write_day(tmp_path, DAY, {(3, "PM2.5", "1882A"): "21", (3, "AQI", "1882A"): "30"})
    batch = get_air_source("archive")(DAY, load_station_catalog(), SourceOptions(input_path=str(tmp_path)))
    assert batch.rows.schema["pm25"] == pl.Float64 and batch.rows.height == 1
    assert batch.side_tables["staging.air_hourly_published"]["aqi"].to_list() == [30.0]
    with pytest.raises(ValueError, match="--input"):
        get_air_source("archive")(DAY, load_station_catalog(), SourceOptions())
