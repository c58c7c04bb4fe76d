"""The charts' CJK font comes from fontconfig (any installed font that covers Chinese, `fc-list :lang=zh`), not
from a fixed list of names; ENVMON_CHART_FONT still wins; and with that font the charts' own words are Chinese
(weekdays 一 … 日, months 1月 …, the legend, the axis labels). The selection is tested with a fake `fc-list` too,
so that it holds in CI (fonts-wqy-microhei) as on a machine with fonts-wqy-zenhei or fonts-noto-cjk."""

import datetime as dt
import logging
import os
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import polars as pl
import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from assets.reports import fonts
from assets.reports.charts import chart_figures, chart_style
from assets.reports.period import ReportPeriod
from assets.reports.tables import ReportTables

SEEDS = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds"
ZENHEI_LISTING = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc\tWenQuanYi Zen Hei,文泉驛正黑,文泉驿正黑\n"
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc\tWenQuanYi Zen Hei Sharp,文泉驛點陣正黑,文泉驿点阵正黑\n"
    "/usr/share/fonts/truetype/vendor/fangsong.ttf\tFangSong,仿宋\n"
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc\tNoto Sans CJK JP,Noto Sans CJK JP Regular\n"
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc\tNoto Sans CJK SC,Noto Sans CJK SC Regular\n"
)


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.delenv("ENVMON_CHART_FONT", raising=False)
    fonts._resolve.cache_clear()
    yield monkeypatch
    fonts._resolve.cache_clear()


def installed() -> list[tuple[str, list[str]]]:
    found = fonts.chinese_fonts()
    if not found:
        pytest.skip("fontconfig reports no Chinese font (.ci/run installs fonts-wqy-microhei)")
    return found


def fake_fc_list(tmp_path: Path, monkeypatch, listing: str) -> None:
    """An `fc-list` first on the PATH that prints ``listing`` whatever it is asked."""
    (tmp_path / "listing.txt").write_text(listing, encoding="utf-8")
    script = tmp_path / "fc-list"
    script.write_text(f"#!/bin/sh\ncat '{tmp_path / 'listing.txt'}'\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")


def test_the_listing_is_read_per_file_with_every_family_of_its_faces():
    parsed = dict(fonts.parse_fc_list(ZENHEI_LISTING))
    assert parsed["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"] == [
        "WenQuanYi Zen Hei",
        "文泉驛正黑",
        "文泉驿正黑",
        "WenQuanYi Zen Hei Sharp",
        "文泉驛點陣正黑",
        "文泉驿点阵正黑",
    ]
    assert len(parsed) == 3
    assert fonts.parse_fc_list("") == [] and fonts.parse_fc_list("\n\n") == []


def test_any_chinese_font_is_a_candidate_and_the_preferred_families_only_order_them():
    order = fonts.ordered(fonts.parse_fc_list(ZENHEI_LISTING))
    assert order == [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Noto Sans CJK SC, preferred before Zen Hei
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/vendor/fangsong.ttf",  # in no list, still tried
    ]


def test_a_font_fontconfig_reports_is_used_whatever_its_name(fresh, tmp_path):
    """The first Chinese font fontconfig lists, under a family name no list in the code knows."""
    path, _ = installed()[0]
    fake_fc_list(tmp_path, fresh, f"{path}\tSome Vendor Hei,某厂黑体\n")
    family = fonts.cjk_font()
    assert family == font_manager.get_font(path).family_name
    assert family in {f.name for f in font_manager.fontManager.ttflist}  # registered with matplotlib


def test_a_listed_font_that_cannot_draw_chinese_or_be_read_is_skipped(fresh, tmp_path):
    path, _ = installed()[0]
    latin = font_manager.findfont("DejaVu Sans")
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    fake_fc_list(tmp_path, fresh, f"{broken}\tAAA Broken\n{latin}\tAAA Latin\n{path}\tZZZ Chinese\n")
    assert fonts.cjk_font() == font_manager.get_font(path).family_name


def test_no_chinese_font_means_english_labels(fresh, tmp_path):
    fake_fc_list(tmp_path, fresh, "")
    fresh.setattr(font_manager.fontManager, "ttflist", [])  # nothing matplotlib knows either
    assert fonts.cjk_font() is None


def test_without_fontconfig_there_is_no_font_and_no_error(fresh, tmp_path):
    fresh.setenv("PATH", str(tmp_path))  # no fc-list at all
    assert fonts.chinese_fonts() == []


def test_envmon_chart_font_still_wins(fresh, tmp_path):
    path, _ = installed()[0]
    fake_fc_list(tmp_path, fresh, f"{path}\tWhatever\n")
    fresh.setenv("ENVMON_CHART_FONT", "none")
    assert fonts.cjk_font() is None
    fonts._resolve.cache_clear()
    fresh.setenv("ENVMON_CHART_FONT", path)  # a file
    assert fonts.cjk_font() == font_manager.get_font(path).family_name
    fonts._resolve.cache_clear()
    fresh.setenv("ENVMON_CHART_FONT", "DejaVu Sans")  # a family that cannot draw Chinese: chosen all the same
    assert fonts.cjk_font() == "DejaVu Sans"


def test_the_font_fontconfig_lists_first_on_this_machine_is_the_charts_font(fresh):
    """No fake: fonts-wqy-microhei in CI, fonts-wqy-zenhei or others elsewhere."""
    found = installed()
    drawable = [p for p in fonts.ordered(found) if fonts._register(Path(p))]
    assert drawable, found
    assert fonts.cjk_font() == font_manager.get_font(drawable[0]).family_name


def test_a_family_with_only_a_medium_weight_is_drawn_without_a_warning(fresh, caplog):
    """WenQuanYi Zen Hei has one weight, 500: matplotlib drew it for "normal" but warned at every lookup."""
    manager = SimpleNamespace(
        ttflist=[
            font_manager.FontEntry(fname="zenhei.ttc", name="Zen", weight=500),
            font_manager.FontEntry(fname="zenhei.ttc", name="Zen", weight=500),
            font_manager.FontEntry(fname="a.ttf", name="Two", weight=400),
            font_manager.FontEntry(fname="b.ttf", name="Two", weight=700),
        ]
    )
    fonts._as_normal_weight(manager, "Zen")
    fonts._as_normal_weight(manager, "Two")
    assert [f.weight for f in manager.ttflist] == [400, 400, 400, 700]
    installed()
    family = fonts.cjk_font()
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        font_manager.findfont(FontProperties(family=[family, "DejaVu Sans"]), fallback_to_default=False)
        font_manager.findfont(FontProperties(family=family, weight="normal"), fallback_to_default=False)
    assert [r.getMessage() for r in caplog.records] == []


def _tables(period: ReportPeriod) -> ReportTables:
    days = [period.start + dt.timedelta(days=i) for i in range((period.end - period.start).days + 1)]
    daily = pl.DataFrame(
        {
            "area": ["自贡"] * len(days),
            "day": days,
            "aqi": [40.0 + 7 * (i % 30) for i in range(len(days))],
            "pm25": [30.0] * len(days),
            "o3_8h_max": [90.0] * len(days),
        }
    )
    limits = pl.DataFrame(
        schema={
            "pollutant": pl.String,
            "averaging": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "grade_ii": pl.Float64,
            "standard": pl.String,
        }
    )
    return ReportTables(
        period,
        tables={"air_area_daily": daily},
        levels=pl.read_csv(SEEDS / "aqi_levels.csv"),
        limits=limits,
        areas=pl.DataFrame({"area": ["自贡"], "area_en": ["Zigong"]}),
    )


def _texts(t: ReportTables, chart: str) -> list[str]:
    with chart_style():
        fig = chart_figures(t)[chart][1]
        fig.canvas.draw()
        out = [a.get_text() for a in fig.findobj(Text) if a.get_visible() and a.get_text().strip()]
        plt.close(fig)
    return out


def test_with_a_chinese_font_weekdays_months_and_names_are_chinese(fresh):
    installed()
    month = _texts(_tables(ReportPeriod.parse("2026-02")), "aqi_calendar")
    assert {"一", "二", "三", "四", "五", "六", "日"} <= set(month)
    assert "2026年2月 日AQI" in month and "自贡" in month and "优 0-50" in month
    assert not {"M", "T", "W", "Zigong", "Daily AQI 2026-02"} & set(month)
    year = _texts(_tables(ReportPeriod.parse("2026")), "aqi_calendar")
    assert {"1月", "6月", "12月"} <= set(year) and "Jan" not in year


def test_without_a_chinese_font_every_chart_word_is_english(fresh):
    fresh.setenv("ENVMON_CHART_FONT", "none")
    month = _texts(_tables(ReportPeriod.parse("2026-02")), "aqi_calendar")
    assert {"M", "T", "W", "F", "S", "Zigong", "Daily AQI 2026-02", "excellent 0-50"} <= set(month)
    assert not any("\u4e00" <= c <= "\u9fff" for text in month for c in text)
