"""The area, station, section and assessment pages in headless Chromium after a short generator run (the November
2025 episode of seed 2023, three days, and a day of October; one build for the whole file): the calendar drawn in
the colours of the daily marts, the limits of the seed, each alert with its lifecycle, the ranking equal to
marts.air_composite_index in either month, the links from the overview and back, no request outside the server,
nothing wider than a phone's screen.
Screenshots: tests/artifacts/status_page_places/."""

import datetime as dt
from urllib.parse import quote

import duckdb
import pytest

from status_page.build import build_status_page
from tests.browser import artifacts, browser_page, need_chromium
from tests.pipeline_runs import run_windows
from tests.session_builds import copy_of
from tests.status_page_site import served, three_days

pytestmark = [pytest.mark.pipeline, pytest.mark.browser, pytest.mark.server]

# The day's colour as drawn: ECharts draws the heatmap on a layer of its own, so the visible pixel is the top one.
CALENDAR_PIXELS_JS = """
() => {
  const chart = window.calendarChart;
  const cs = chart.getModel().getComponent("calendar").coordinateSystem;
  const canvases = [...chart.getDom().querySelectorAll("canvas")];
  const ratio = canvases[0].width / canvases[0].getBoundingClientRect().width;
  const out = {};
  for (const tr of document.querySelectorAll("#days tbody tr")) {
    const [x, y] = cs.dataToPoint(tr.dataset.day);
    let seen = null;
    for (const canvas of canvases) {
      const ctx = canvas.getContext("2d");
      const [r, g, b, a] = ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
      if (a === 255) seen = [r, g, b];
    }
    out[tr.dataset.day] = seen && "#" + seen.map((v) => v.toString(16).padStart(2, "0")).join("").toUpperCase();
  }
  return out;
}
"""
# The overview's station dot farthest from any other mark (viewport pixels) and its station's code.
STATION_DOT_JS = """
() => {
  const cs = statusChart.getModel().getComponent("geo").coordinateSystem;
  const marks = statusChart.getOption().series.flatMap((s) => s.data.map((d) => ({
    code: s.id === "stations" ? d.station.code : null, at: cs.dataToPoint(d.value.slice(0, 2)) })));
  const gap = (m) => Math.min(...marks.filter((o) => o !== m)
    .map((o) => Math.hypot(o.at[0] - m.at[0], o.at[1] - m.at[1])));
  const dot = marks.filter((m) => m.code).sort((a, b) => gap(b) - gap(a))[0];
  const box = statusChart.getDom().getBoundingClientRect();
  return [box.left + dot.at[0], box.top + dot.at[1], dot.code];
}
"""
MONTH = "(SELECT max(period_start) FROM marts.air_composite_index WHERE period_kind = 'month')"
RANKING = (
    "SELECT area, coalesce(CAST(rank AS VARCHAR), ''), CAST(i_sum AS VARCHAR) FROM marts.air_composite_index "
    "WHERE period_kind = 'month' AND basis = 'all_days' AND period_start = {month} "
    "ORDER BY rank NULLS LAST, i_sum NULLS LAST, area"
)
RANKING_JS = (
    "[...document.querySelectorAll('#ranking tbody tr')].map(tr => [tr.dataset.area, tr.dataset.rank, tr.dataset.iSum])"
)
SQL = {
    "area": "SELECT area FROM seeds.areas ORDER BY area LIMIT 1",
    "station": "SELECT code FROM seeds.stations WHERE in_service AND area = ? ORDER BY code LIMIT 1",
    "section": "SELECT subject FROM alerts.events WHERE kind LIKE 'river%' ORDER BY event_id LIMIT 1",
    "area_days": "SELECT strftime(day, '%Y-%m-%d'), upper(color) FROM marts.air_area_daily "
    "WHERE area = ? AND aqi IS NOT NULL",
    "station_days": "SELECT strftime(day, '%Y-%m-%d'), upper(color) FROM marts.air_station_daily "
    "WHERE station_code = ? AND aqi IS NOT NULL",
    "alerts": "SELECT event_id FROM alerts.events WHERE subject IN (?, 'region')",
    "changes": "SELECT status FROM alerts.event_states WHERE event_id = ? AND status <> 'active' ORDER BY day",
    "readings": "SELECT count(*) FROM marts.water_reading_class WHERE section_code = ? AND water_class IS NOT NULL",
    "ranking": RANKING.format(month=MONTH),
    "october_ranking": RANKING.format(month="DATE '2025-10-01'"),
    "disputes": "SELECT (SELECT count(*) FROM marts.air_border_pairs "
    f"WHERE disputed AND date_trunc('month', day) = {MONTH}) + (SELECT count(*) FROM marts.water_report_comparison "
    f"WHERE disputed AND date_trunc('month', day) = {MONTH})",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    need_chromium()
    data_dir = copy_of(three_days(tmp_path_factory), tmp_path_factory.mktemp("places") / "data")  # written below
    run_windows(data_dir, [[dt.date(2025, 10, 31)]])  # a day of October: the assessment lists two months
    # a monthly report as `envmon report` leaves it (its content is the report tests' business), then the page again
    report = data_dir / "reports" / "2025-11" / "envmon_report_2025-11.html"
    report.parent.mkdir(parents=True)
    report.write_text(
        '<!doctype html><meta charset="utf-8"><title>月报</title><h1>川南渝西环境质量联合月报</h1>', encoding="utf-8"
    )
    snapshot = data_dir / "published" / "envmon.duckdb"
    build_status_page(snapshot, data_dir / "status", data_dir / "reports")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        one = lambda name, *params: con.execute(SQL[name], list(params)).fetchone()[0]  # noqa: E731
        area = one("area")
        station, section = one("station", area), one("section")
        facts = {
            "area": area,
            "station": station,
            "section": section,
            "area_days": dict(con.execute(SQL["area_days"], [area]).fetchall()),
            "station_days": dict(con.execute(SQL["station_days"], [station]).fetchall()),
            "area_alerts": {
                event_id: [s for (s,) in con.execute(SQL["changes"], [event_id]).fetchall()]
                for (event_id,) in con.execute(SQL["alerts"], [area]).fetchall()
            },
            "section_alerts": {
                event_id: [s for (s,) in con.execute(SQL["changes"], [event_id]).fetchall()]
                for (event_id,) in con.execute(SQL["alerts"], [section]).fetchall()
                if not event_id.startswith("regional")
            },
            "readings": one("readings", section),
            "ranking": [list(r) for r in con.execute(SQL["ranking"]).fetchall()],
            "october_ranking": [list(r) for r in con.execute(SQL["october_ranking"]).fetchall()],
            "disputes": one("disputes"),
        }
    with served(data_dir / "status") as url:
        yield url, facts


def open_page(page, url, path, requests):
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + path)
    page.wait_for_selector("body[data-ready]")
    assert page.evaluate("document.body.dataset.ready") == "true", page.inner_text("#as-of")


def only_the_server(requests, url, page):
    assert requests and [r for r in requests if not r.startswith(url) and not r.startswith("data:")] == []
    assert page.failed_requests == []


def listed_alerts(page):
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#alerts li[data-event-id]')].map(li => [li.dataset.eventId,"
        " [...li.querySelectorAll('ol.lifecycle li')].map(s => s.dataset.status)]))"
    )


def test_an_area_page_from_the_overview_and_back(site):
    url, facts = site
    area = facts["area"]
    assert facts["area_days"] and facts["area_alerts"]  # the episode: days with an AQI and warnings
    shots, requests = artifacts("status_page_places"), []
    with browser_page() as page:
        open_page(page, url, "index.html", requests)
        page.click(f"#areas tbody tr[data-area='{area}'] a")
        page.wait_for_selector("body[data-kind='area'][data-ready]")
        page.screenshot(path=shots / "area.png", full_page=True)
        # the calendar: each day of the mart in its colour, drawn on the canvas and in the table
        assert page.evaluate(CALENDAR_PIXELS_JS) == facts["area_days"]
        table = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('#days tbody tr')]"
            ".map(tr => [tr.dataset.day, tr.querySelector('.level').dataset.color.toUpperCase()]))"
        )
        assert table == facts["area_days"]
        # PM2.5 and O3-8h against the Grade II limits of GB 3095-2012 (seeds.air_quality_limits), day by day
        limits = page.evaluate("limitCharts.map(c => c.getOption().series[1].data.filter(v => v !== null))")
        assert limits == [[75] * len(facts["area_days"]), [160] * len(facts["area_days"])]
        # its warnings and the regional one, each with its state changes in order (alerts.event_states)
        assert listed_alerts(page) == facts["area_alerts"]
        assert page.get_attribute("#alerts li[data-event-id] a", "href").startswith("alert.html?id=")
        page.click("header nav a[href='index.html']")
        page.wait_for_selector("body[data-ready]")
        # a station's dot on the map opens its page
        x, y, code = page.evaluate(STATION_DOT_JS)
        page.mouse.click(x, y)
        page.wait_for_selector("body[data-kind='station'][data-ready]")
        assert page.url == f"{url}station.html?id={code}"
    only_the_server(requests, url, page)


def test_a_station_page_in_the_colours_of_its_daily_mart(site):
    url, facts = site
    requests = []
    with browser_page() as page:
        open_page(page, url, f"station.html?id={facts['station']}", requests)
        page.screenshot(path=artifacts("status_page_station") / "station.png", full_page=True)
        assert facts["station_days"]
        assert page.evaluate(CALENDAR_PIXELS_JS) == facts["station_days"]
        assert page.get_attribute("#links a", "href") == f"area.html?id={quote(facts['area'])}"  # back to its area
        assert set(listed_alerts(page)) >= {a for a in facts["area_alerts"] if a.startswith("regional")}
    only_the_server(requests, url, page)


def test_a_section_page_with_every_reading_and_its_river_alert(site):
    url, facts = site
    assert facts["section_alerts"]  # the generator's river alert
    requests = []
    with browser_page() as page:
        open_page(page, url, f"section.html?id={facts['section']}", requests)
        page.screenshot(path=artifacts("status_page_section") / "section.png", full_page=True)
        assert page.evaluate("classesChart.getOption().series[0].data.length") == facts["readings"]
        assert page.evaluate("document.querySelectorAll('#readings tbody tr').length") == facts["readings"]
        assert listed_alerts(page) == facts["section_alerts"]
        assert page.locator("#links a").first.get_attribute("href").startswith("area.html?id=")
    only_the_server(requests, url, page)


def test_the_assessment_ranking_equals_the_mart_and_links_the_reports_that_exist(site):
    url, facts = site
    requests = []
    with browser_page() as page:
        open_page(page, url, "assessment.html", requests)
        page.screenshot(path=artifacts("status_page_assessment") / "assessment.png", full_page=True)
        ranking = page.evaluate(RANKING_JS)
        assert ranking == facts["ranking"] and len(ranking) == 10
        disputes = page.evaluate("document.querySelectorAll('#disputes tbody tr[data-kind]').length")
        assert disputes == facts["disputes"]
        assert page.evaluate("[...document.querySelectorAll('#reports a')].map(a => a.getAttribute('href'))") == [
            "reports/envmon_report_2025-11.html"
        ]
        page.click("#reports a")
        page.wait_for_selector("h1")
        assert "联合月报" in page.inner_text("h1")
    only_the_server(requests, url, page)


def test_an_earlier_month_from_the_month_list_and_a_month_there_is_not(site):
    url, facts = site
    requests = []
    with browser_page() as page:
        open_page(page, url, "assessment.html", requests)
        listed = "[...document.querySelectorAll('#months a')].map(a => [a.textContent, a.getAttribute('aria-current')])"
        assert page.evaluate(listed) == [["2025-11", "page"], ["2025-10", None]]
        assert page.is_visible("#demo")  # generated days: the assessment says so too, as the other pages
        with page.expect_navigation():
            page.click("#months a:not([aria-current])")
        page.wait_for_selector("body[data-ready]")
        assert page.evaluate("document.body.dataset.ready") == "true", page.inner_text("#as-of")
        assert page.url.endswith("assessment.html?month=2025-10") and "2025-10 月" in page.inner_text("#as-of")
        assert page.evaluate(listed) == [["2025-11", None], ["2025-10", "page"]]
        assert page.evaluate(RANKING_JS) == facts["october_ranking"] and len(facts["october_ranking"]) == 10
        assert facts["october_ranking"] != facts["ranking"]  # the month's own index, not the latest again
        page.screenshot(path=artifacts("status_page_assessment_month") / "assessment_2025-10.png", full_page=True)
        for month, says in (("2025-09", "no assessment of that month"), ("../places/common", "not YYYY-MM")):
            page.goto(url + f"assessment.html?month={month}")
            page.wait_for_selector("body[data-ready]")
            assert page.evaluate("document.body.dataset.ready") == "error" and says in page.inner_text("#as-of")
    only_the_server(requests, url, page)


def test_nothing_overflows_a_phone_screen_on_any_page(site):
    url, facts = site
    shots = artifacts("status_page_places_phone")
    paths = [
        f"area.html?id={facts['area']}",
        f"station.html?id={facts['station']}",
        f"section.html?id={facts['section']}",
        "assessment.html",
    ]
    with browser_page(width=390, height=844) as page:
        for path in paths:
            requests = []
            open_page(page, url, path, requests)
            page.screenshot(path=shots / f"{path.split('.')[0]}_390.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            wide = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390.5)"
                ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
            )
            assert wide == [], path
            only_the_server(requests, url, page)
