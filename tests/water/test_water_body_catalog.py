"""The section catalog's water body (river | lake), names two provinces share, and the national platform's class
spelling (Roman numerals, ``--``) as the water-file adapter reads them."""

import datetime as dt

import polars as pl
import pytest

from assets.ingest.files import ROW_COLUMN
from assets.water.layouts import parse_water_frame, platform_class
from assets.water.sections import DEFAULT_SECTIONS, SectionCatalogError, load_sections


def _catalog(tmp_path, rows: list[str], header: str = "section_code,name,river,province,area,target_class,water_body"):
    path = tmp_path / "sections.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_demo_catalog_says_river_everywhere_and_a_catalog_without_the_column_means_river(tmp_path):
    assert set(load_sections(DEFAULT_SECTIONS)["water_body"]) == {"river"}
    header = "section_code,name,river,province,area,target_class"
    path = _catalog(tmp_path, ["A1,甲,濑溪河,重庆,荣昌,III"], header=header)
    assert load_sections(path)["water_body"].to_list() == ["river"]


def test_lake_and_blank_are_read_and_anything_else_names_row_and_field(tmp_path):
    ok = _catalog(tmp_path, ["A1,玉滩水库,濑溪河,重庆,大足,III,lake", "A2,乙,濑溪河,重庆,荣昌,III,"])
    assert load_sections(ok)["water_body"].to_list() == ["lake", "river"]
    bad = _catalog(tmp_path, ["A1,甲,濑溪河,重庆,大足,III,river", "A2,乙,濑溪河,重庆,荣昌,III,reservoir"])
    expected = r"sections.csv: row 3 \(section A2\), field water_body: must be river or lake"
    with pytest.raises(SectionCatalogError, match=expected):
        load_sections(bad)


def test_a_name_may_repeat_in_another_province_but_not_in_the_same_one(tmp_path):
    two = _catalog(tmp_path, ["T1,三岔口,海河流域,天津,天津,III,river", "H1,三岔口,松花江流域,黑龙江,黑龙江,III,river"])
    assert load_sections(two).height == 2
    same = _catalog(tmp_path, ["T1,三岔口,海河流域,天津,天津,III,river", "T2,三岔口,海河流域,天津,天津,II,river"])
    with pytest.raises(SectionCatalogError, match=r"row 3 \(section T2\), field name: duplicate name in one province"):
        load_sections(same)


def test_a_shared_name_is_matched_with_the_file_s_province_a_unique_one_whatever_it_says(tmp_path):
    sections = load_sections(
        _catalog(
            tmp_path,
            [
                "T1,三岔口,海河流域,天津,天津,III,river",
                "H1,三岔口,松花江流域,黑龙江,黑龙江,III,river",
                "Y1,玉滩水库,濑溪河,重庆,大足,III,lake",
            ],
        )
    )
    frame = pl.DataFrame(
        {
            ROW_COLUMN: [2, 3, 4, 5],
            "省份": ["黑龙江省", "天津市", "四川省", ""],
            "断面名称": ["三岔口", "三岔口", "玉滩水库", "三岔口"],
            "监测时间": ["02-04 11:00"] * 4,
            "水质类别": ["Ⅲ", "Ⅰ", "劣Ⅴ", "--"],
            "总磷(mg/L)": ["0.093", "--", "0.029", "0.1"],
        }
    )
    readings, cells, _ = parse_water_frame(frame, "platform.csv", sections, dt.datetime(2026, 2, 5, 12))
    assert readings["section_code"].to_list() == ["H1", "T1", "Y1", "三岔口"]  # the last: no 省份, ambiguous, unknown
    assert readings["reported_class"].to_list() == ["III", "I", "劣V", None]
    assert readings["total_phosphorus"].to_list() == [0.093, None, 0.029, 0.1]  # '--' = no value
    assert readings["ts"].to_list() == [dt.datetime(2026, 2, 4, 11)] * 4
    assert cells.height == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ⅰ", "I"), ("Ⅱ", "II"), ("Ⅲ", "III"), ("Ⅳ", "IV"), ("Ⅴ", "V"), ("劣Ⅴ", "劣V"), (" Ⅲ类 ", "III"),
     ("劣Ⅴ类", "劣V"), ("--", None), ("", None), (None, None), ("III", "III"), ("劣V", "劣V"), ("待定", "待定")],
)  # fmt: skip
def test_the_platform_s_class_spelling(text, expected):
    assert pl.select(platform_class(pl.lit(text, pl.String))).item() == expected
