"""Monitoring-centre water files: the layouts accepted, turned into tidy readings.

A file is first read as strings (``assets.ingest.files.read_tabular``: CSV in UTF-8/GBK or XLSX); this module
then recognises its header (the national automatic-station publishing system's Chinese headers such as
``断面名称, 监测时间, 溶解氧(mg/L)`` or English ones such as ``section, time, dissolved_oxygen``), matches each row's
section to the catalog by code or by name, parses the times and the numbers (``*``, blank and the other missing
tokens mean "no value"), and reports every cell it cannot use by row and field. A number that cannot be read (``abc``,
``inf``, ``1e999``, a formula without a value) is a problem of that cell only: the value is empty (flagged UNP
downstream) and the rest of the reading stays. A time that cannot be read makes the row unusable. A section code
that matches the catalog only after trimming, case-folding or dropping spaces is accepted and reported. A name that
two provinces' sections share in the catalog is matched with the file's 省份.

The national platform's own quirks stay here: its 水质类别 in Roman numerals (``Ⅲ``, ``劣Ⅴ``) is kept as the
catalog spells classes (``III``, ``劣V``), ``--`` means no value in any column.

Yearless times (``MM-DD HH:MM``, as the platform shows them) get the year that puts them closest to the file's
reference date: a date in the file name (``2027-01-02``, ``20270102``, ``2027年1月2日``), else the file's
modification time. A file covering 12-28 ... 01-03 thus gets December of one year and January of the next,
whether its reference date is the start or the end of the period.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from assets.ingest.excel_dates import serial_datetime, serial_number, serial_problems
from assets.ingest.files import MISSING_TOKENS, ROW_COLUMN, BadFileError, parse_numbers
from assets.water.faults import VALUE_COLUMNS
from assets.water.report_choice import normalise_provinces

# canonical column -> accepted header names, normalised (lower case, no spaces/underscores, unit in () dropped)
HEADERS: dict[str, tuple[str, ...]] = {
    "section_code": ("断面编码", "断面代码", "站点编码", "sectioncode", "code", "stationcode"),
    "section_name": ("断面名称", "断面", "站点名称", "sectionname", "section", "site", "name"),
    "province": ("省份", "省", "province"),
    "basin": ("流域", "basin", "river"),
    "time": ("监测时间", "时间", "监测日期", "time", "datetime", "monitoringtime", "sampletime", "timestamp"),
    "reported_class": ("水质类别", "类别", "waterclass", "class", "waterqualityclass"),
    "water_temp": ("水温", "watertemp", "watertemperature", "temperature", "temp"),
    "ph": ("ph",),
    "dissolved_oxygen": ("溶解氧", "dissolvedoxygen", "do"),
    "conductivity": ("电导率", "conductivity", "ec"),
    "turbidity": ("浊度", "turbidity"),
    "codmn": ("高锰酸盐指数", "codmn", "permanganateindex"),
    "ammonia_nitrogen": ("氨氮", "ammonianitrogen", "nh3-n", "nh3n", "ammonia"),
    "total_phosphorus": ("总磷", "totalphosphorus", "tp"),
    "total_nitrogen": ("总氮", "totalnitrogen", "tn"),
}
_ALIAS = {alias: canonical for canonical, aliases in HEADERS.items() for alias in aliases}
ROMAN = {"Ⅳ": "IV", "Ⅴ": "V", "Ⅲ": "III", "Ⅱ": "II", "Ⅰ": "I"}  # the Unicode numerals of the platform's 水质类别
_NAME_DATE = re.compile(r"(20\d{2})[-_.年]?(\d{1,2})[-_.月]?(\d{1,2})")


def normalise_header(name: str) -> str:
    text = name.strip().lower().replace("（", "(").replace("）", ")")
    text = re.sub(r"[\s_]+", "", text)
    return text.split("(", 1)[0] if not text.startswith("(") else text


def map_header(frame: pl.DataFrame, path: Path | str) -> dict[str, str]:
    """File column -> canonical name; ``BadFileError`` when the header is not a water layout."""
    mapping: dict[str, str] = {}
    for column in frame.columns:
        canonical = _ALIAS.get(normalise_header(column))
        if canonical and canonical not in mapping.values():
            mapping[column] = canonical
    found = set(mapping.values())
    missing = []
    if "time" not in found:
        missing.append("监测时间/time")
    if not found & {"section_code", "section_name"}:
        missing.append("断面名称/section (or a section code)")
    if not found & set(VALUE_COLUMNS):
        missing.append("at least one parameter such as 溶解氧(mg/L)")
    if missing:
        shown = ", ".join(c for c in frame.columns[:8] if c != ROW_COLUMN)
        raise BadFileError(path, f"unknown header: no {'; no '.join(missing)} (found: {shown})", row=1)
    return mapping


def reference_date(path: Path) -> dt.datetime:
    """The date in the file's name (noon), else its modification time (China Standard Time, naive)."""
    match = _NAME_DATE.search(path.name)
    if match:
        try:
            return dt.datetime(int(match[1]), int(match[2]), int(match[3]), 12)
        except ValueError:
            pass
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None)


def parse_times(text: pl.Expr, reference: dt.datetime) -> pl.Expr:
    """``YYYY-MM-DD HH:MM[:SS]`` (also with ``/`` or ``T``), yearless ``MM-DD HH:MM`` or an Excel serial number ->
    datetime (null if none)."""
    clean = (
        text.str.strip_chars()
        .str.replace_all("/", "-")
        .str.replace("T", " ")
        .str.replace(r"(\d{1,2}:\d{2}):\d{2}$", "$1")
    )
    full = clean.str.to_datetime("%Y-%m-%d %H:%M", strict=False)
    candidates = [
        pl.concat_str(pl.lit(f"{year}-"), clean).str.to_datetime("%Y-%m-%d %H:%M", strict=False)
        for year in (reference.year - 1, reference.year, reference.year + 1)
    ]
    distance = [(c - pl.lit(reference)).abs() for c in candidates]
    nearest = pl.when(distance[1] <= pl.min_horizontal(distance[0], distance[2])).then(candidates[1])
    nearest = nearest.when(distance[0] <= distance[2]).then(candidates[0]).otherwise(candidates[2])
    yearless = clean.str.contains(r"^\d{1,2}-\d{1,2} \d{1,2}:\d{2}$")
    # a missing candidate (29 February of a common year) has a null distance: the conditions above then skip it
    serial = serial_datetime(text)  # an Excel serial number (assets/ingest/excel_dates.py)
    return (
        pl.when(yearless).then(nearest).when(serial.is_not_null()).then(serial).otherwise(full).cast(pl.Datetime("us"))
    )


def platform_class(text: pl.Expr) -> pl.Expr:
    """水质类别 as the catalog spells classes: the platform's Roman numerals (Ⅰ…Ⅴ, 劣Ⅴ, with or without 类) -> I … V,
    劣V; ``--`` and the other missing tokens -> null; anything else stays as written (it is shown, never used)."""
    clean = text.str.strip_chars().str.strip_suffix("类")
    for numeral, latin in ROMAN.items():
        clean = clean.str.replace_all(numeral, latin, literal=True)
    return pl.when(clean.is_in(MISSING_TOKENS) | clean.is_null()).then(None).otherwise(clean)


def _key(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().str.replace_all(r"[\s（）()]", "").str.to_uppercase()


def parse_water_frame(
    frame: pl.DataFrame, path: Path | str, sections: pl.DataFrame, reference: dt.datetime
) -> tuple[pl.DataFrame, pl.DataFrame, list[dict]]:
    """(readings, cells, problems) of a file read as strings (with ``_row``).

    readings: one row per file row, with ``problems`` naming what makes the row unusable (empty when it is fine: only
    an unreadable time does) and ``record``, the row's original cells as JSON. cells: every unparsable value
    (row_number, field = the file's column, parameter, original, reason); its value is null in readings. problems:
    problem lines (section codes normalised)."""
    mapping = map_header(frame, path)
    present = [c for c in VALUE_COLUMNS if c in mapping.values()]
    renamed = frame.select(ROW_COLUMN, *[pl.col(src).alias(dst) for src, dst in mapping.items()])
    numbers, bad = parse_numbers(renamed, present, path)
    by_code = sections.select(_key(pl.col("section_code")).alias("_k"), pl.col("section_code").alias("_code"))
    names = sections.select(
        _key(pl.col("name")).alias("_k"), pl.col("section_code").alias("_name_code"), pl.col("province").alias("_p")
    )
    # a name unique in the catalog matches whatever 省份 says (the other province's report of a border section);
    # a name two provinces share (三岔口 in 天津 and 黑龙江) matches with the file's 省份 only
    unique_names = names.filter(pl.col("_k").is_unique()).drop("_p")
    shared_names = names.filter(~pl.col("_k").is_unique()).rename({"_name_code": "_shared_code"})
    given_code = pl.col("section_code") if "section_code" in mapping.values() else pl.lit(None, pl.String)
    given_name = pl.col("section_name") if "section_name" in mapping.values() else pl.lit(None, pl.String)
    tidy = (
        numbers.with_columns(
            _given=pl.coalesce(given_code, given_name),
            _k=_key(pl.coalesce(given_code, given_name)),
            # 省份: whose report it is (both provinces may report a border section: assets/water/report_choice.py)
            reporting_province=(
                normalise_provinces(pl.col("province"), sections["province"].unique().to_list())
                if "province" in mapping.values()
                else pl.lit(None, pl.String)
            ),
        )
        .join(by_code, on="_k", how="left")
        .with_columns(_k=_key(given_name))
        .join(unique_names, on="_k", how="left")
        .join(shared_names, left_on=["_k", "reporting_province"], right_on=["_k", "_p"], how="left")
        .with_columns(
            section_code=pl.coalesce("_code", "_name_code", "_shared_code", pl.col("_given").str.strip_chars()),
            ts=parse_times(pl.col("time"), reference),
            reported_class=(
                platform_class(pl.col("reported_class"))
                if "reported_class" in mapping.values()
                else pl.lit(None, pl.String)
            ),
            **{c: pl.lit(None, pl.Float64) for c in VALUE_COLUMNS if c not in present},
        )
        .sort(ROW_COLUMN)
    )
    time_problem = (
        pl.when(pl.col("ts").is_null() & serial_number(pl.col("time")).is_not_null())
        .then(pl.format("time: a number outside the Excel serial dates of 1990-2099 ({})", pl.col("time")))
        .when(pl.col("ts").is_null() & pl.col("time").is_not_null())
        .then(pl.format("time: not understood ({}); expected YYYY-MM-DD HH:MM or MM-DD HH:MM", pl.col("time")))
    )
    records = frame.select(ROW_COLUMN, pl.struct(pl.exclude(ROW_COLUMN)).struct.json_encode().alias("record"))
    readings = (
        tidy.join(records, on=ROW_COLUMN, how="left")
        .with_columns(problems=time_problem)
        .select(
            pl.col(ROW_COLUMN).alias("row_number"),
            "section_code",
            "ts",
            *VALUE_COLUMNS,
            "reported_class",
            "reporting_province",
            pl.col("problems").fill_null(""),
            "record",
        )
    )
    source_column = {dst: src for src, dst in mapping.items()}
    cells = bad.select(
        pl.col("row").alias("row_number"),
        pl.col("field").replace_strict(source_column).alias("field"),
        pl.col("field").alias("parameter"),
        pl.col("value").alias("original"),
        "reason",
    )
    serials = serial_problems(tidy.select(pl.col(ROW_COLUMN).alias("row_number"), "time", "ts"), path)
    codes = _normalised_codes(tidy, path) if "section_code" in mapping.values() else []
    return readings, cells, codes + serials


def _normalised_codes(tidy: pl.DataFrame, path: Path | str) -> list[dict]:
    """A problem line per section code written otherwise than in the catalog but matched to it."""
    odd = tidy.filter(pl.col("_code").is_not_null() & (pl.col("_given") != pl.col("_code")))
    found = odd.group_by("_given", "_code").agg(pl.col(ROW_COLUMN).min().alias("row"), pl.len().alias("n"))
    return [
        {
            "file": str(path),
            "row": row,
            "field": "section_code",
            "kind": "code_normalised",
            "message": f"section code {given!r} read as {code} (the catalog's spelling) in {n} row(s)",
        }
        for given, code, row, n in found.sort("row").iter_rows()
    ]
