"""No tofu in the monthly report, with a CJK font and without one: every text artist of every chart has a glyph
for each of its characters in the fonts it is drawn with (without a CJK font every label is English, legends
included), no `findfont` line is logged, a font installed after matplotlib's cache was built is found, and the page
opened in headless Chromium draws every text node with fonts that hold its characters (screenshots written to
tests/artifacts/report_fonts/)."""

import logging
import re
import unicodedata

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from assets.reports import fonts
from assets.reports.build import build_report
from assets.reports.charts import chart_figures, chart_style
from assets.reports.period import ReportPeriod
from assets.reports.tables import read_report_tables
from tests.browser import artifacts, browser_page
from warehouse.connection import write_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

PERIOD = ReportPeriod.parse("2026-02")
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")
MODES = ["with_cjk_font", "without_cjk_font"]


@pytest.fixture
def font_mode(request, monkeypatch):
    """ENVMON_CHART_FONT: auto (a CJK font is installed) or none (as on a machine without one)."""
    if request.param == "with_cjk_font":
        monkeypatch.delenv("ENVMON_CHART_FONT", raising=False)
        fonts._resolve.cache_clear()
        if fonts.cjk_font() is None:
            pytest.skip("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
    else:
        monkeypatch.setenv("ENVMON_CHART_FONT", "none")
    fonts._resolve.cache_clear()
    yield request.param
    fonts._resolve.cache_clear()


def _covers(path: str, char: str) -> bool:
    return (
        char.isspace()
        or unicodedata.category(char).startswith("C")
        or font_manager.get_font(path).get_char_index(ord(char)) != 0
    )


def _font_files(families: list[str]) -> list[str]:
    """The files matplotlib draws these families with (its per-glyph fallback goes down the list)."""
    return [font_manager.findfont(FontProperties(family=f), fallback_to_default=False) for f in families]


def chart_texts(t) -> list[tuple[str, str, list[str]]]:
    """(chart, text, font files) of every non-empty text artist of every chart, drawn as the report draws them."""
    out = []
    with chart_style():
        for name, (_, fig) in chart_figures(t).items():
            fig.canvas.draw()  # tick labels exist once drawn
            for artist in fig.findobj(Text):
                if artist.get_visible() and artist.get_text().strip():
                    out.append((name, artist.get_text(), _font_files(artist.get_fontfamily())))
            plt.close(fig)
    return out


@pytest.mark.parametrize("font_mode", MODES, indirect=True)
def test_every_chart_label_has_its_glyphs_and_no_findfont_line_is_logged(february, font_mode, caplog):
    with write_connection(DataPaths(february["data_dir"]).warehouse) as con:
        t = read_report_tables(con, PERIOD)
    with caplog.at_level(logging.DEBUG, logger="matplotlib.font_manager"):
        texts = chart_texts(t)
    assert {name for name, _, _ in texts} >= {"aqi_calendar", "pm25_trend", "o3_trend", "good_days", "composite_index"}
    tofu = [(name, text) for name, text, files in texts if not all(any(_covers(f, c) for f in files) for c in text)]
    assert tofu == []
    legend = {text for name, text, _ in texts if name == "aqi_calendar"}
    if font_mode == "with_cjk_font":
        assert any(text.startswith("优 0-50") for text in legend)  # the legend in Chinese, drawn with the CJK font
    else:
        assert [text for _, text, _ in texts if CJK.search(text)] == []  # every label English
        assert {"excellent 0-50", "lightly polluted 101-150", "no data"} <= legend
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage() and r.levelno >= logging.INFO] == []


def test_a_font_installed_after_matplotlibs_cache_was_built_is_found_without_a_flood(february, monkeypatch, caplog):
    monkeypatch.delenv("ENVMON_CHART_FONT", raising=False)
    chinese = {path for path, _ in fonts.chinese_fonts()}  # what fontconfig says covers Chinese
    stale = [f for f in font_manager.fontManager.ttflist if f.fname not in chinese]
    if not chinese:
        pytest.skip("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)  # the cache predates the font
    fonts._resolve.cache_clear()
    with write_connection(DataPaths(february["data_dir"]).warehouse) as con:
        t = read_report_tables(con, PERIOD)
    try:
        with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
            family = fonts.cjk_font()  # found through fontconfig and registered
            assert family in {f.name for f in font_manager.fontManager.ttflist if f.fname in chinese}
            texts = chart_texts(t)
    finally:
        fonts._resolve.cache_clear()
    assert any(CJK.search(text) for _, text, _ in texts)
    assert [r.getMessage() for r in caplog.records] == []  # `envmon report` printed 2,837 findfont lines before


def _page_texts(page) -> list[tuple[str, list[str]]]:
    """(text, font families Chromium drew it with) of every element that holds text of its own (DevTools protocol:
    the document tree with its text nodes, and the platform fonts each element's text was rendered with)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    out, stack = [], [cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]]
    while stack:
        node = stack.pop()
        children = node.get("children", [])
        stack.extend(children)
        if node.get("localName") in ("style", "script", "title"):
            continue
        text = "".join(c["nodeValue"] for c in children if c["nodeType"] == 3)
        if node["nodeType"] == 1 and text.strip():
            fonts_used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            out.append((text, [f["familyName"] for f in fonts_used]))
    return out


@pytest.mark.parametrize("font_mode", MODES, indirect=True)
def test_the_monthly_report_in_headless_chromium_has_no_tofu(february, font_mode, tmp_path):
    with write_connection(DataPaths(february["data_dir"]).warehouse) as con:
        out = build_report(con, PERIOD, tmp_path / font_mode)
    shots = artifacts(f"report_fonts/{font_mode}")
    with browser_page(offline=True) as page:
        page.goto(out.html.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("[...document.images].map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])")
        assert len(images) >= 5 and [alt for alt, ok, w, h in images if not (ok and w > 100 and h > 100)] == []
        page.screenshot(path=str(shots / "report.png"), full_page=True)
        texts = _page_texts(page)
    assert (shots / "report.png").stat().st_size > 50_000
    assert any(CJK.search(text) for text, _ in texts)  # the page itself is Chinese with English headings
    missing = []
    for text, families in texts:
        files = [font_manager.findfont(FontProperties(family=f)) for f in families]
        lost = {c for c in text if not any(_covers(f, c) for f in files)}
        if lost:
            missing.append((text[:40], families, sorted(lost)))
    assert missing == []
