"""The status page's overview (总览) in headless Chromium after a short generator run (the November 2025 episode of
seed 2023, three days): the ten areas drawn in the colour of their latest day in marts.air_area_daily, the
warnings and alerts in force listed, no request outside the server, nothing wider than a phone's screen.
Screenshots: tests/artifacts/status_page/."""

import duckdb
import pytest

from tests.browser import artifacts, browser_page, need_chromium
from tests.status_page_site import AREA_PIXELS_JS, served, three_days

# a generator run of three days, then Chromium over the page served on 127.0.0.1
pytestmark = [pytest.mark.pipeline, pytest.mark.browser, pytest.mark.server]

LATEST_AREA_COLOURS = """
SELECT area, color FROM marts.air_area_daily WHERE aqi IS NOT NULL
QUALIFY day = max(day) OVER (PARTITION BY area)
"""
IN_FORCE = "SELECT event_id, kind FROM alerts.events WHERE status NOT IN ('lifted', 'retracted')"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_chromium()
    data_dir = three_days(tmp_path_factory)  # the publish step wrote data/status (the hook); only read here
    with duckdb.connect(str(data_dir / "published" / "envmon.duckdb"), read_only=True) as con:
        colours = dict(con.execute(LATEST_AREA_COLOURS).fetchall())
        in_force = con.execute(IN_FORCE).fetchall()
    with served(data_dir / "status") as url:
        yield url, colours, in_force


def open_overview(page, url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector("body[data-ready]")
    assert page.evaluate("document.body.dataset.ready") == "true", page.inner_text("#as-of")
    return requests


def test_the_ten_areas_in_the_colours_of_the_mart_and_the_alerts_in_force(site):
    url, colours, in_force = site
    assert len(colours) == 10
    shots = artifacts("status_page")
    with browser_page() as page:
        requests = open_overview(page, url)
        page.screenshot(path=shots / "overview.png", full_page=True)
        # the map: ten shapes (the committed boundaries), each filled with its area's colour on the canvas
        assert page.evaluate("statusChart.getModel().getComponent('geo').coordinateSystem.regions.length") == 10
        table = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('#areas tbody tr')]"
            ".map(tr => [tr.dataset.area, tr.querySelector('.level').dataset.color]))"
        )
        assert table == colours
        drawn = page.evaluate(AREA_PIXELS_JS)
        page.screenshot(path=shots / "areas_only.png")
        assert drawn == {area: colour.upper() for area, colour in colours.items()}
        # the warnings of the episode and any river alert in force, each once
        listed = page.evaluate(
            "[...document.querySelectorAll('#alerts li[data-event-id]')].map(li => li.dataset.eventId)"
        )
        assert sorted(listed) == sorted(event_id for event_id, _ in in_force)
        assert any(kind == "area_warning" for _, kind in in_force)
        assert "重污染天气预警" in page.inner_text("#alerts")
        assert page.is_visible("#demo")  # generated data say so
    outside = [r for r in requests if not r.startswith(url) and not r.startswith("data:")]
    assert outside == []
    assert page.failed_requests == []


def test_nothing_overflows_a_phone_screen(site):
    url, _, _ = site
    with browser_page(width=390, height=844) as page:
        open_overview(page, url)
        page.screenshot(path=artifacts("status_page_phone") / "overview_390.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390.5)"
            ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
        )
        assert wide == []
