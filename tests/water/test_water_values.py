"""Value-level problems in monitoring-centre files stay at value level: an unreadable cell is a NULL flagged UNP with
its text in quarantine.rejected_values (the rest of the reading stays and reaches the classes), a truncated row is
quarantined whole and never replaces a complete reading, and what the reader met is a problem line."""

import datetime as dt
import os

import openpyxl
import polars as pl

from assets.sql_models.models import load_seed
from assets.water.landing import process_water_file
from assets.water.sections import load_sections
from tests.water.marts_harness import WATER_SEEDS, rebuild
from tests.water.test_water_files import HEADER, platform_rows, write_csv
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

NOW = dt.datetime(2027, 1, 5, 9, 0)
SECTIONS = load_sections()
PH, TP = HEADER.index("pH(无量纲)"), HEADER.index("总磷(mg/L)")


def ingest(data_dir, path, **kwargs):
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        return process_water_file(con, path, paths, SECTIONS, NOW, run_id="run-1", **kwargs)


def query(data_dir, sql: str) -> pl.DataFrame:
    with write_connection(DataPaths(data_dir).warehouse) as con:
        return fetch_polars(con, sql)


def test_an_unreadable_ph_is_a_null_flagged_unp_and_the_valid_tp_reaches_class_v(tmp_path, data_dir):
    rows = platform_rows(["2026-12-05 04:00", "2026-12-05 08:00"])
    rows[0][PH], rows[0][TP] = "abc", "0.39"  # TP 0.39 mg/L: class V (GB 3838: > 0.3, <= 0.4)
    outcome = ingest(data_dir, write_csv(tmp_path / "濑溪河_2026-12-05.csv", rows))
    assert (outcome.status, outcome.rows_staged, outcome.rows_rejected) == ("loaded", 2, 0)

    first = query(data_dir, "SELECT * FROM staging.water_readings ORDER BY ts").row(0, named=True)
    assert first["ph"] is None and first["total_phosphorus"] == 0.39 and first["dissolved_oxygen"] == 8.95
    flags = query(data_dir, "SELECT section_code, ts, parameter, flag_code FROM staging.water_value_flags")
    assert flags.rows() == [("LXH05", dt.datetime(2026, 12, 5, 4), "ph", "UNP")]
    cell = query(data_dir, "SELECT * FROM quarantine.rejected_values").row(0, named=True)
    assert {k: cell[k] for k in ("file", "row_number", "field", "parameter", "original", "reason", "key", "ts")} == {
        "file": "濑溪河_2026-12-05.csv",
        "row_number": 2,
        "field": "pH(无量纲)",
        "parameter": "ph",
        "original": "abc",
        "reason": "not a number",
        "key": "LXH05",
        "ts": dt.datetime(2026, 12, 5, 4),
    }
    assert cell["batch_id"] == outcome.content_hash
    assert query(data_dir, "SELECT count(*) AS n FROM quarantine.rejected_rows")["n"].item() == 0
    (line,) = query(data_dir, "SELECT kind, message, run_id FROM meta.ingest_problems").rows()
    assert line[0] == "unparsable" and "1 cell(s)" in line[1] and line[2] == "run-1"

    with write_connection(DataPaths(data_dir).warehouse) as con:  # the classes, on the file's readings
        for seed in WATER_SEEDS:
            load_seed(con, seed)
        con.register("_s", SECTIONS.to_arrow())
        con.execute("CREATE OR REPLACE TABLE seeds.water_sections AS SELECT * FROM _s")
        rebuild(con)
        reading = fetch_polars(con, "SELECT * FROM marts.water_reading_class ORDER BY ts").row(0, named=True)
    assert reading["water_class"] == "V" and reading["worst_parameters"] == ["total_phosphorus"]
    assert reading["ph_class"] is None and "ph" in reading["missing_parameters"]


def test_inf_nan_and_overflow_are_unparsable_never_stored(tmp_path, data_dir):
    rows = platform_rows(["2026-12-05 04:00"])
    cells = {"水温(℃)": "inf", "pH(无量纲)": "NaN", "溶解氧(mg/L)": "1e999", "电导率(μS/cm)": "-Infinity"}
    for name, text in cells.items():
        rows[0][HEADER.index(name)] = text
    assert ingest(data_dir, write_csv(tmp_path / "bad_numbers.csv", rows)).rows_staged == 1
    staged = query(data_dir, "SELECT water_temp, ph, dissolved_oxygen, conductivity, codmn FROM staging.water_readings")
    assert staged.row(0) == (None, None, None, None, 3.4)
    got = query(data_dir, "SELECT field, original, reason FROM quarantine.rejected_values ORDER BY field")
    assert dict(zip(got["field"], zip(got["original"], got["reason"]))) == {
        "水温(℃)": ("inf", "not a finite number (inf)"),
        "pH(无量纲)": ("NaN", "not a finite number (nan)"),
        "溶解氧(mg/L)": ("1e999", "number out of range"),
        "电导率(μS/cm)": ("-Infinity", "not a finite number (inf)"),
    }
    flags = query(data_dir, "SELECT parameter FROM staging.water_value_flags WHERE flag_code = 'UNP' ORDER BY 1")
    assert flags["parameter"].to_list() == ["conductivity", "dissolved_oxygen", "ph", "water_temp"]


def test_a_truncated_row_is_quarantined_whole_and_never_replaces_a_complete_reading(tmp_path, data_dir):
    complete = platform_rows(["2026-12-05 04:00", "2026-12-05 08:00"])
    truncated = complete[1][:9]  # the export was cut after 电导率: the 08:00 reading again, without its pollutants
    path = write_csv(tmp_path / "cut.csv", [*complete, truncated])
    outcome = ingest(data_dir, path)
    assert (outcome.rows_staged, outcome.rows_rejected) == (2, 1)
    later = write_csv(tmp_path / "cut_again.csv", [complete[0], truncated])  # a later file: must not supersede either
    assert ingest(data_dir, later).status == "loaded"

    staged = query(data_dir, "SELECT ts, total_phosphorus, codmn, batch_id FROM staging.water_readings ORDER BY ts")
    assert staged["total_phosphorus"].to_list() == [0.153, 0.153] and staged["codmn"].to_list() == [3.4, 3.4]
    assert staged.filter(pl.col("ts") == dt.datetime(2026, 12, 5, 8))["batch_id"].item() == outcome.content_hash
    rejected = query(
        data_dir,
        "SELECT file, row_number, reasons FROM quarantine.rejected_rows WHERE reasons LIKE 'truncated%' ORDER BY file",
    )
    assert rejected.rows() == [
        (
            "cut.csv",
            4,
            "truncated row: 9 fields where the header has 14 (missing fields are empty); quarantined whole: "
            "a truncated row does not replace a reading",
        ),
        ("cut_again.csv", 3, rejected["reasons"][1]),
    ]
    kinds = query(data_dir, "SELECT file, row_number, kind FROM meta.ingest_problems ORDER BY file")
    assert kinds.rows() == [(str(path), 4, "truncated_row"), (str(later), 3, "truncated_row")]


def test_xlsx_formulas_without_values_and_an_extra_sheet_are_reported(tmp_path, data_dir):
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()  # openpyxl writes formulas without computing them: no cached value, as some exporters
    sheet = book.active
    sheet.append(HEADER)
    row = platform_rows(["2026-12-05 04:00"])[0]
    sheet.append(row[:5] + [float(v) if v != "*" else "*" for v in row[5:]])
    sheet["L2"] = "=K2*0.1"  # 氨氮 computed from CODMn by a formula
    extra = book.create_sheet("12月6日")
    extra.append(HEADER)
    extra.append(platform_rows(["2026-12-06 04:00"])[0])
    book.save(path)
    assert ingest(data_dir, path).rows_staged == 1

    assert query(data_dir, "SELECT ammonia_nitrogen, total_phosphorus FROM staging.water_readings").row(0) == (
        None,
        0.153,
    )
    cell = query(data_dir, "SELECT row_number, field, original, reason FROM quarantine.rejected_values").row(0)
    assert cell == (2, "氨氮(mg/L)", "=K2*0.1", "formula without a cached value")
    problems = query(data_dir, "SELECT kind, field, message FROM meta.ingest_problems ORDER BY kind")
    by_kind = {k: (f, m) for k, f, m in problems.rows()}
    assert set(by_kind) == {"extra_sheet", "unparsable", "xlsx_formula"}
    assert by_kind["xlsx_formula"][0] == "L2" and "without a cached value" in by_kind["xlsx_formula"][1]
    assert by_kind["extra_sheet"][0] == "12月6日" and "was not read" in by_kind["extra_sheet"][1]


def test_codes_normalised_old_readings_and_rejected_files_are_problem_lines(tmp_path, data_dir):
    english = tmp_path / "en.csv"
    english.write_text(
        "section_code,time,ph,do,tp\n cj04 ,2026-12-05 04:00,7.1,6.4,0.12\nCJ04,2025-06-01 04:00,7.2,6.5,0.11\n",
        encoding="utf-8",
    )
    outcome = ingest(data_dir, english, horizon_days=90)
    assert outcome.rows_staged == 2  # old readings load (a correction is legitimate), reported
    bad = tmp_path / "unknown.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert ingest(data_dir, bad).status == "rejected"
    problems = query(data_dir, "SELECT file, kind, message FROM meta.ingest_problems ORDER BY file, kind")
    lines = {(f, k): m for f, k, m in problems.rows()}
    assert set(lines) == {(str(english), "code_normalised"), (str(english), "old_reading"), (str(bad), "file_rejected")}
    assert "' cj04 ' read as CJ04" in lines[(str(english), "code_normalised")]
    assert "1 reading(s) older than 90 days" in lines[(str(english), "old_reading")]
    assert "unknown header" in lines[(str(bad), "file_rejected")] and "rejected" in lines[(str(bad), "file_rejected")]


def test_a_yearless_file_keeps_its_modification_time_through_envmon_ingest(tmp_path, data_dir, monkeypatch):
    from pipelines.commands.ingest import stage_into_landing

    path = write_csv(tmp_path / "export.csv", platform_rows(["04-01 04:00"]))
    stamp = dt.datetime(2026, 4, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    os.utime(path, (stamp, stamp))
    staged = stage_into_landing(path, DataPaths(data_dir).landing / "water")
    assert staged.stat().st_mtime == stamp  # the year hint of a yearless file survives the copy
    assert ingest(data_dir, staged).status == "loaded"
    assert query(data_dir, "SELECT ts FROM staging.water_readings")["ts"].to_list() == [dt.datetime(2026, 4, 1, 4)]
