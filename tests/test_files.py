"""Bad files of every kind: each gets a clear error naming file, row and field, or is read with its problems."""

import openpyxl
import polars as pl
import pytest

from assets.ingest.files import (
    MISSING_TOKENS,
    BadFileError,
    parse_numbers,
    read_tabular,
    reject_file,
    require_columns,
)

ARCHIVE = "date,hour,type,1001A,1002A\n20230120,0,PM2.5,12,—\n20230120,1,PM2.5,-;,NA\n"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_utf8_bom_and_gbk_read_the_same(tmp_path, encoding):
    text = "code,name,city\n1897A,檀木林街,自贡市\n3351A,大足区环保局,重庆市\n"
    frame = read_tabular(write(tmp_path, f"s-{encoding}.csv", text.encode(encoding)))
    assert frame.columns == ["code", "name", "city"]
    assert frame["name"].to_list() == ["檀木林街", "大足区环保局"]
    assert frame.dtypes == [pl.String] * 3


def test_gbk_file_larger_than_the_sample_is_transcoded_whole(tmp_path):
    rows = "".join(f"{i},站点{i},自贡市\n" for i in range(20000))  # > 64 KiB sample and > 1 chunk boundary
    frame = read_tabular(write(tmp_path, "big-gbk.csv", ("code,name,city\n" + rows).encode("gbk")))
    assert frame.height == 20000 and frame["name"][-1] == "站点19999"


def test_empty_file(tmp_path):
    with pytest.raises(BadFileError, match=r"empty\.csv: empty file"):
        read_tabular(write(tmp_path, "empty.csv", b""))


def test_blank_first_row_and_headerless_file(tmp_path):
    with pytest.raises(BadFileError, match=r"row 1: no header"):
        read_tabular(write(tmp_path, "blank.csv", b"\n\n1,2\n"))
    with pytest.raises(BadFileError, match=r"nohdr\.csv, row 1: no header: the first row holds values"):
        read_tabular(write(tmp_path, "nohdr.csv", b"20230120,0,12.5\n20230120,1,13\n"))


def test_unknown_header(tmp_path):
    frame = read_tabular(write(tmp_path, "other.csv", b"foo,bar\n1,2\n"))
    with pytest.raises(BadFileError, match=r"other\.csv, row 1: unknown header: missing column\(s\) date, hour, type"):
        require_columns(frame, tmp_path / "other.csv", ["date", "hour", "type"])


def test_wrong_encoding_and_binary(tmp_path):
    with pytest.raises(BadFileError, match="binary or UTF-16"):
        read_tabular(write(tmp_path, "u16.csv", "a,b\n1,2\n".encode("utf-16")))
    with pytest.raises(BadFileError, match="unreadable encoding"):
        read_tabular(write(tmp_path, "junk.csv", b"a,b\n\xff\xff\xff\xfe\x80\x80\n"))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_bad_bytes_after_the_sample_name_the_line(tmp_path, bom):
    body = bom + b"a,b\n" + b"1,2\n" * 30000 + b"3,\xff\xfe\n"
    with pytest.raises(BadFileError, match=r"late-junk\.csv, row 30002: unreadable encoding"):
        read_tabular(write(tmp_path, "late-junk.csv", body))


def test_truncated_and_ragged_rows_are_reported_and_kept(tmp_path):
    path = write(tmp_path, "ragged.csv", b'a,b,c\n1,2,3\n4,5\n6,7,8,9\n"x,y",2,3\n')
    problems: list[dict] = []
    frame = read_tabular(path, problems, with_row_numbers=True)
    assert frame.height == 4  # no row lost
    assert [(p["row"], p["message"].split(":")[0]) for p in problems] == [(3, "truncated row"), (4, "ragged row")]
    assert frame.filter(pl.col("_row") == 3)["c"].to_list() == [None]
    assert frame.filter(pl.col("_row") == 5)["a"].to_list() == ["x,y"]


def test_missing_tokens_are_null_garbage_is_a_problem(tmp_path):
    path = write(tmp_path, "cells.csv", (ARCHIVE + "20230120,2,PM2.5,abc,7.5\n").encode())
    numbers, problems = parse_numbers(read_tabular(path, with_row_numbers=True), ["1001A", "1002A"], path)
    assert numbers["1001A"].to_list() == [12.0, None, None]
    assert numbers["1002A"].to_list() == [None, None, 7.5]
    assert problems.select("row", "field", "value").rows() == [(4, "1001A", "abc")]
    assert str(path) in problems["file"][0] and "not a number: abc" in problems["message"][0]
    assert {"—", "-", "-;", "NA", "*", ""} <= set(MISSING_TOKENS)


def test_row_numbers_without_row_column_assume_header_on_row_1(tmp_path):
    path = write(tmp_path, "x.csv", b"v\n1\n\nzz\n")
    _, problems = parse_numbers(read_tabular(path), ["v"], path)
    assert problems["row"].to_list() == [4]


def test_xlsx_with_title_row_and_ragged_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["自动站数据导出"])  # a title above the header, as exports have
    sheet.append([])
    sheet.append(["断面编码", "监测时间", "pH", "溶解氧"])
    sheet.append(["S001", "2023-01-20 04:00", 7.2, 8])
    sheet.append(["S001", "2023-01-20 08:00", "—", 7.5, "extra"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    problems: list[dict] = []
    frame = read_tabular(path, problems, with_row_numbers=True)
    assert frame.columns == ["断面编码", "监测时间", "pH", "溶解氧", "_row"]
    assert frame.rows() == [("S001", "2023-01-20 04:00", "7.2", "8", 4), ("S001", "2023-01-20 08:00", "—", "7.5", 5)]
    assert problems[0]["row"] == 5 and problems[0]["message"].startswith("ragged row")


def test_corrupt_xlsx(tmp_path):
    with pytest.raises(BadFileError, match="not a readable XLSX"):
        read_tabular(write(tmp_path, "broken.xlsx", b"PK\x03\x04 not really a zip"))


def test_huge_file_is_refused_before_reading_and_a_large_one_is_read(tmp_path, monkeypatch):
    path = write(tmp_path, "huge.csv", b"a,b\n" + b"1,2\n" * 300_000)  # 1.2 MB
    with pytest.raises(BadFileError, match=r"huge\.csv: file too large: 1 MiB > limit 0 MiB"):
        read_tabular(path, max_bytes=1 << 19)
    monkeypatch.setenv("ENVMON_MAX_FILE_MB", "2")
    assert read_tabular(path).height == 300_000


def test_reject_file_moves_it_with_a_reason_and_never_overwrites(tmp_path):
    rejected = tmp_path / "rejected"
    first = reject_file(write(tmp_path, "a.csv", b"x"), rejected, "empty file (0 bytes)")
    second = reject_file(write(tmp_path, "a.csv", b"y"), rejected, "no header")
    assert not (tmp_path / "a.csv").exists()
    assert first.read_bytes() == b"x" and second.read_bytes() == b"y" and first != second
    assert "reason: no header" in (rejected / (second.name + ".reason.txt")).read_text()


def test_unnamed_header_columns_dropped_when_empty_reported_when_not(tmp_path):
    problems: list[dict] = []
    frame = read_tabular(write(tmp_path, "trail.csv", b"a,b,,\n1,2,,\n3,4,,x\n"), problems)
    assert frame.columns == ["a", "b", "column_4"] and frame["column_4"].to_list() == [None, "x"]
    assert problems[0]["field"] == "column_4" and "without a header name" in problems[0]["message"]


def test_gbk_file_whose_first_64kib_are_ascii(tmp_path):
    text = "code,name\n" + "".join(f"{i},x\n" for i in range(20000)) + "3351A,大足区环保局\n"
    frame = read_tabular(write(tmp_path, "late-gbk.csv", text.encode("gbk")))
    assert frame["name"][-1] == "大足区环保局"
