"""Monitoring-centre files: platform layouts (GBK CSV, XLSX), yearless times across New Year, duplicates,
bad files to rejected/ with their reason while the others load."""

import datetime as dt

import openpyxl
import polars as pl
import pytest

from assets.water.landing import process_water_file
from assets.water.sections import load_sections
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

HEADER = [
    "省份",
    "流域",
    "断面名称",
    "监测时间",
    "水质类别",
    "水温(℃)",
    "pH(无量纲)",
    "溶解氧(mg/L)",
    "电导率(μS/cm)",
    "浊度(NTU)",
    "高锰酸盐指数(mg/L)",
    "氨氮(mg/L)",
    "总磷(mg/L)",
    "总氮(mg/L)",
]
NOW = dt.datetime(2027, 1, 5, 9, 0)
SECTIONS = load_sections()


def platform_rows(times: list[str], name: str = "濑溪河 泸县入境(川渝界)") -> list[list[str]]:
    return [
        ["四川", "长江流域", name, t, "Ⅲ", "12.1", "7.62", "8.95", "412", "18.2", "3.4", "0.412", "0.153", "*"]
        for t in times
    ]


def write_csv(path, rows, encoding="gbk"):
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding=encoding)
    return path


def ingest(data_dir, path):
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        return process_water_file(con, path, paths, SECTIONS, NOW)


def staged(data_dir) -> pl.DataFrame:
    with write_connection(DataPaths(data_dir).warehouse) as con:
        return fetch_polars(con, "SELECT * FROM staging.water_readings ORDER BY section_code, ts")


def test_gbk_csv_in_the_platform_layout_loads(tmp_path, data_dir):
    path = write_csv(tmp_path / "濑溪河_2026-12-01.csv", platform_rows(["2026-12-01 04:00", "2026-12-01 08:00"]))
    outcome = ingest(data_dir, path)
    assert outcome.status == "loaded" and outcome.rows_staged == 2
    rows = staged(data_dir)
    assert rows["section_code"].to_list() == ["LXH05", "LXH05"]  # matched by name
    first = rows.row(0, named=True)
    assert (first["ph"], first["dissolved_oxygen"], first["total_phosphorus"]) == (7.62, 8.95, 0.153)
    assert first["total_nitrogen"] is None  # '*' = missing
    assert first["reported_class"] == "III" and first["source"] == "file"  # the file's Roman numeral Ⅲ
    assert not path.exists() and outcome.moved_to.parent == DataPaths(data_dir).archive / "water" / "2027-01"


def test_xlsx_with_a_title_row_and_english_headers_load(tmp_path, data_dir):
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["川南渝西 水质自动站 数据导出"])  # a title row above the header
    sheet.append(HEADER)
    for row in platform_rows(["2026-12-02 12:00"], name="CJ04"):  # matched by code
        sheet.append(row[:5] + [float(v) if v != "*" else "*" for v in row[5:]])
    book.save(path)
    english = write_csv(tmp_path / "en.csv", [], encoding="utf-8")
    english.write_text(
        "section_code,time,ph,do,codmn,nh3_n,tp,tn\nDQL02,2026-12-02 16:00,7.1,6.4,3.9,0.7,0.12,1.8\n",
        encoding="utf-8-sig",
    )
    assert ingest(data_dir, path).status == "loaded"
    assert ingest(data_dir, english).status == "loaded"
    rows = staged(data_dir)
    assert rows["section_code"].to_list() == ["CJ04", "DQL02"]
    assert rows.filter(pl.col("section_code") == "DQL02")["dissolved_oxygen"].item() == 6.4
    assert rows.filter(pl.col("section_code") == "CJ04")["ph"].item() == 7.62


@pytest.mark.parametrize("name", ["水质_2027-01-02.csv", "水质_20261229.csv"])
def test_yearless_file_spanning_new_year_gets_the_right_years(tmp_path, data_dir, name):
    # the date in the name is the period's end in one case, its start in the other: both give the same years
    times = ["12-30 20:00", "12-31 20:00", "01-01 00:00", "01-01 04:00", "01-02 08:00"]
    outcome = ingest(data_dir, write_csv(tmp_path / name, platform_rows(times)))
    assert outcome.status == "loaded"
    assert staged(data_dir)["ts"].to_list() == [
        dt.datetime(2026, 12, 30, 20),
        dt.datetime(2026, 12, 31, 20),
        dt.datetime(2027, 1, 1, 0),
        dt.datetime(2027, 1, 1, 4),
        dt.datetime(2027, 1, 2, 8),
    ]


def test_yearless_without_a_date_in_the_name_uses_the_modification_time(tmp_path, data_dir):
    import os

    path = write_csv(tmp_path / "export.csv", platform_rows(["12-31 20:00", "01-01 04:00"]))
    stamp = dt.datetime(2027, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    os.utime(path, (stamp, stamp))
    assert ingest(data_dir, path).status == "loaded"
    assert staged(data_dir)["ts"].dt.year().to_list() == [2026, 2027]


def test_the_same_file_dropped_twice_is_processed_once(tmp_path, data_dir):
    rows = platform_rows(["2026-12-03 04:00", "2026-12-03 08:00"])
    first = ingest(data_dir, write_csv(tmp_path / "a.csv", rows))
    again = ingest(data_dir, write_csv(tmp_path / "a.csv", rows))  # same content, dropped again
    assert (first.status, again.status) == ("loaded", "duplicate")
    assert first.content_hash == again.content_hash
    assert again.moved_to.parent == DataPaths(data_dir).archive / "water" / "duplicates"
    assert staged(data_dir).height == 2
    with write_connection(DataPaths(data_dir).warehouse) as con:
        log = fetch_polars(con, "SELECT status FROM meta.water_files ORDER BY received_at, status")
    assert sorted(log["status"]) == ["duplicate", "loaded"]


def test_each_bad_file_lands_in_rejected_with_its_reason_while_the_others_load(tmp_path, data_dir):
    good = write_csv(tmp_path / "good.csv", platform_rows(["2026-12-04 04:00"]))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    unknown = tmp_path / "unknown_header.csv"
    unknown.write_text("foo,bar\n1,2\n", encoding="utf-8")
    unknown_sections = write_csv(
        tmp_path / "unknown_sections.csv", platform_rows(["2026-12-04 04:00"], name="不存在的断面")
    )
    binary = tmp_path / "binary.xlsx"
    binary.write_bytes(b"\x00\x01not a workbook")
    bad_times = write_csv(tmp_path / "bad_times.csv", platform_rows(["yesterday"]))
    outcomes = {p.name: ingest(data_dir, p) for p in (empty, unknown, good, unknown_sections, binary, bad_times)}
    assert outcomes["good.csv"].status == "loaded"
    rejected = DataPaths(data_dir).rejected
    expected = {
        "empty.csv": "empty file",
        "unknown_header.csv": "unknown header",
        "unknown_sections.csv": "expect_column_values_to_be_in_set(section_code, catalog)",
        "binary.xlsx": "not a readable XLSX",
        "bad_times.csv": "time: not understood (yesterday)",
    }
    for name, words in expected.items():
        assert outcomes[name].status == "rejected", name
        assert (rejected / name).exists(), name
        assert words in (rejected / f"{name}.reason.txt").read_text(encoding="utf-8"), name
    assert staged(data_dir).height == 1


def test_a_bad_row_is_quarantined_with_row_and_field_while_the_file_loads(tmp_path, data_dir):
    rows = platform_rows(["2026-12-05 04:00", "2026-12-05 08:00", "2026-12-05 12:00"])
    rows[1][3] = "yesterday"  # 监测时间: the reading cannot be placed
    rows[2][3] = "2099-01-01 00:00"  # in the future
    outcome = ingest(data_dir, write_csv(tmp_path / "mixed.csv", rows))
    assert (outcome.status, outcome.rows_staged, outcome.rows_rejected) == ("loaded", 1, 2)
    with write_connection(DataPaths(data_dir).warehouse) as con:
        q = fetch_polars(
            con, "SELECT row_number, file, record, reasons FROM quarantine.rejected_rows ORDER BY row_number"
        )
    assert q["row_number"].to_list() == [3, 4]  # rows as seen in the file (header = row 1)
    assert set(q["file"]) == {"mixed.csv"}
    assert "time: not understood (yesterday)" in q["reasons"][0] and '"监测时间":"yesterday"' in q["record"][0]
    assert "not in future" in q["reasons"][1]


def test_a_later_file_supersedes_earlier_readings_which_stay_in_quarantine(tmp_path, data_dir):
    ingest(data_dir, write_csv(tmp_path / "first.csv", platform_rows(["2026-12-06 04:00"])))
    corrected = platform_rows(["2026-12-06 04:00"])
    corrected[0][12] = "0.301"
    ingest(data_dir, write_csv(tmp_path / "second.csv", corrected))
    rows = staged(data_dir)
    assert rows.height == 1 and rows["total_phosphorus"].item() == 0.301
    with write_connection(DataPaths(data_dir).warehouse) as con:
        q = fetch_polars(con, "SELECT reasons FROM quarantine.rejected_rows")
    assert q.height == 1 and "superseded by monitoring-centre file" in q["reasons"].item()


def test_file_values_get_flags_which_go_with_a_superseded_reading(tmp_path, data_dir):
    rows = platform_rows(["2026-12-06 04:00", "2026-12-06 08:00"])
    rows[0][12] = "-0.2"  # total phosphorus below zero
    rows[1][11] = "2.9"  # ammonia nitrogen above the total nitrogen of the file
    rows[1][13] = "1.8"
    first = ingest(data_dir, write_csv(tmp_path / "first.csv", rows))
    with write_connection(DataPaths(data_dir).warehouse) as con:
        flags = fetch_polars(
            con, "SELECT ts, parameter, flag_code, batch_id FROM staging.water_value_flags ORDER BY ALL"
        )
    assert flags.select("parameter", "flag_code").rows() == [
        ("total_phosphorus", "NEG"),
        ("ammonia_nitrogen", "NTN"),
        ("total_nitrogen", "NTN"),
    ]
    assert set(flags["batch_id"]) == {first.content_hash}
    corrected = platform_rows(["2026-12-06 04:00"])
    ingest(data_dir, write_csv(tmp_path / "second.csv", corrected))
    with write_connection(DataPaths(data_dir).warehouse) as con:
        left = fetch_polars(con, "SELECT ts, flag_code FROM staging.water_value_flags")
    assert sorted(left["flag_code"]) == ["NTN", "NTN"]  # the corrected 04:00 reading carries no flag
    assert (left["ts"] == dt.datetime(2026, 12, 6, 8)).all()


def test_rerunning_a_day_that_a_file_corrected_stays_usable(tmp_path, data_dir):
    from assets.water.ingest import ingest_water_day
    from assets.water.sources import WaterSourceOptions, generator_source

    paths, day = DataPaths(data_dir), dt.date(2026, 12, 6)
    batch = generator_source(day, SECTIONS, WaterSourceOptions(fault_rate=0.0))

    def daily():
        with write_connection(paths.warehouse) as con:
            return ingest_water_day(
                con, paths.raw, "generator", day, batch, SECTIONS["section_code"], NOW, max_rejected_share=0.0
            )

    assert daily().validation.unusable == []
    ingest(data_dir, write_csv(tmp_path / "correction.csv", platform_rows(["2026-12-06 04:00", "2026-12-06 08:00"])))
    again = daily().validation
    assert again.unusable == [] and again.repeats == 2 and again.rejected_share == 0.0
    assert staged(data_dir).filter(pl.col("source") == "file").height == 2
