"""Data Docs in a real browser, offline (Debian's Chromium, no network): styles applied, icons drawn from the
vendored font, the index's table (filled by the vendored JavaScript) lists every validation run, a run's page
opens from it. Screenshots: tests/artifacts/data_docs/."""

import pytest

from tests.browser import artifacts, browser_page, need_chromium
from tests.data_docs_site import DAYS, build_site

pytestmark = pytest.mark.browser

RUNS_TABLE = "table.ge-index-page-validation-results-table tbody tr"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_chromium()
    return build_site(tmp_path_factory.mktemp("docs") / "data")


def test_data_docs_offline_styled_with_the_runs_listed(site):
    shots = artifacts("data_docs")
    with browser_page(offline=True) as page:
        page.goto((site / "index.html").as_uri())
        page.wait_for_selector(RUNS_TABLE)
        page.screenshot(path=shots / "index.png", full_page=True)
        rows = page.locator(RUNS_TABLE)
        names = rows.all_inner_texts()
        assert rows.count() == len(DAYS) + 1, names
        for day in DAYS:
            assert any(f"air_hourly-{day.isoformat()}" in n for n in names)
        assert any("water_readings-file-" in n for n in names)
        # Bootstrap's stylesheet is applied (unstyled, a button has the browser's grey default and no radius)
        radius = page.evaluate("getComputedStyle(document.querySelector('.btn')).borderTopLeftRadius")
        assert radius not in ("", "0px")
        # the status icons are Font Awesome glyphs: its web font was loaded from the site
        assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
        assert page.evaluate("[...document.fonts].some(f => f.family.includes('Font Awesome') && f.status == 'loaded')")

        rows.filter(has_text="water_readings-file-").first.click()  # rows are links (bootstrap-table + jQuery)
        page.wait_for_url("**/validations/water_readings/**")
        page.wait_for_selector("text=Overview")
        page.screenshot(path=shots / "river_file_validation.png", full_page=False)
        assert page.evaluate("getComputedStyle(document.querySelector('.card, .alert, .table')).display") != ""
        assert page.failed_requests == []  # nothing wanted the network, nothing missing locally
