"""OpenAQ v3 adapter replayed through a local HTTP server: pagination, units, time zone, catalog matching, errors."""

import datetime as dt
import json

import polars as pl
import pytest

from assets.air.sources import SourceOptions
from assets.catalog.stations import load_station_catalog
from assets.http_sources.client import HttpClient, HttpSourceError
from assets.http_sources.openaq import match_locations, openaq_source, parse_hours, sensors_of, unit_factor
from tests.conftest import SHARED_DATA
from tests.http_replay import FIXTURES, ReplayServer, json_body

pytestmark = pytest.mark.server

SAMPLES = SHARED_DATA / "api_samples" / "openaq_v3"
CATALOG = load_station_catalog()
KEY = "openaq-test-key-0123456789"
DAY = dt.date(2026, 11, 11)
PAGES = [(FIXTURES / "openaq" / f"locations_page{i}.json").read_text(encoding="utf-8") for i in (1, 2)]


def sample(name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"shared OpenAQ sample not found at {path} (present in CI, absent in a fresh clone)")
    return json.loads(path.read_text(encoding="utf-8"))


def test_real_samples_parse_units_time_and_unknown_location():
    locations = sample("locations.json")["results"]
    sensors = sensors_of(locations)
    assert dict(sensors.select("parameter", "unit").iter_rows())["o3"] == "ppm"
    assert sorted(sensors["parameter"]) == sorted(s["parameter"]["name"] for s in locations[0]["sensors"])
    hours = parse_hours(sample("measurements.json")["results"])
    # datetimeTo 2023-10-16T13:00Z is the end of the hour: 21:00 CST
    assert hours.rows() == [(dt.datetime(2023, 10, 16, 21), 6.0), (dt.datetime(2023, 10, 16, 22), 7.5)]
    matched = match_locations(sensors, CATALOG)  # Albuquerque: nowhere near the region
    assert matched["station_code"].to_list() == ["OPENAQ-2178"] and matched["km"].item() > 10000


def test_unit_factors_at_the_2018_reference_state():
    assert unit_factor("o3", "ppb") == pytest.approx(47.9982 / 24.465)  # 1.962 ug/m3 per ppb
    assert unit_factor("so2", "ppm") == pytest.approx(64.066 / 24.465 * 1000)
    assert unit_factor("co", "ppm") == pytest.approx(28.0101 / 24.465)  # mg/m3 per ppm
    assert unit_factor("co", "µg/m³") == pytest.approx(0.001) and unit_factor("pm25", "μg/m³") == 1.0
    assert unit_factor("pm25", "ppm") is None and unit_factor("so2", "ppt") is None


def hours_route(value_of):
    """/v3/sensors/{id}/hours as the API answers: 1-hour periods inside the window, paged by limit/page."""

    def respond(sensor_id, query):
        start = dt.datetime.fromisoformat(query["datetime_from"].replace("Z", "+00:00"))
        results = []
        for h in range(24):
            frm, to = start + dt.timedelta(hours=h), start + dt.timedelta(hours=h + 1)
            results.append(
                {
                    "period": {
                        "label": "1hour",
                        "interval": "01:00:00",
                        "datetimeFrom": {
                            "utc": frm.isoformat(),
                            "local": frm.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(),
                        },
                        "datetimeTo": {
                            "utc": to.isoformat(),
                            "local": to.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(),
                        },
                    },
                    "value": value_of(sensor_id, h),
                    "parameter": {},
                    "coordinates": None,
                }
            )
        limit, page = int(query["limit"]), int(query["page"])
        body = {
            "meta": {"page": page, "limit": limit, "found": ">1000"},
            "results": results[(page - 1) * limit : page * limit],
        }
        return 200, json_body(body), {}

    return respond


def serve(extra=None, value_of=lambda s, h: 10.0 + h):
    hours = hours_route(value_of)
    routes = {"/v3/locations": [lambda q: (200, PAGES[int(q["page"]) - 1], {})]}
    for sid in (20001, 20002, 20003, 20004, 20011, 20012, 20021):
        routes[f"/v3/sensors/{sid}/hours"] = [lambda q, sid=sid: hours(sid, q)]
    routes.update(extra or {})
    return ReplayServer(routes)


def run(srv, monkeypatch, key=KEY, page_limit=5):
    monkeypatch.setenv("ENVMON_OPENAQ_API_KEY", key)  # for the redaction of echoed secrets
    client = HttpClient("openaq", sleep=lambda s: None, per_host_per_second=0)
    options = SourceOptions(openaq_url=srv.url, openaq_api_key=key)
    batch = openaq_source(DAY, CATALOG, options, client, page_limit=page_limit)
    return batch, client


def test_source_pages_converts_units_and_maps_to_the_catalog(monkeypatch):
    with serve() as srv:
        batch, _ = run(srv, monkeypatch, page_limit=2)
    rows = batch.rows
    assert sorted(rows["station_code"].unique()) == ["1883A", "3351A", "OPENAQ-9901"]
    assert rows.group_by("station_code").len().sort("station_code")["len"].to_list() == [24, 24, 24]
    yibin = rows.filter(pl.col("station_code") == "1883A").sort("ts")
    assert yibin["ts"].to_list()[0] == dt.datetime(2026, 11, 11, 1) and yibin["ts"].to_list()[-1] == dt.datetime(
        2026, 11, 12
    )
    first = yibin.row(0, named=True)  # value 10.0 in each sensor's own unit
    assert first["pm25"] == 10.0
    assert first["o3"] == pytest.approx(10.0 * 1000 * 47.9982 / 24.465)  # ppm
    assert first["no2"] == pytest.approx(10.0 * 46.0055 / 24.465)  # ppb
    assert first["co"] == pytest.approx(10.0 * 28.0101 / 24.465)  # ppm -> mg/m3
    assert rows.filter(pl.col("station_code") == "3351A")["so2"].null_count() == 24  # ppt: skipped
    location_pages = [r["query"]["page"] for r in srv.requests if r["path"] == "/v3/locations"]
    assert location_pages == ["1", "2"]
    hour_pages = [r["query"]["page"] for r in srv.requests if r["path"] == "/v3/sensors/20001/hours"]
    assert hour_pages == [str(p) for p in range(1, 14)]  # 24 results, 2 per page, then an empty page
    q = next(r["query"] for r in srv.requests if r["path"] == "/v3/sensors/20001/hours")
    assert (q["datetime_from"], q["datetime_to"]) == ("2026-11-10T16:00:00Z", "2026-11-11T16:00:00Z")
    assert all(r["headers"]["X-API-Key"] == KEY for r in srv.requests)
    messages = " | ".join(p["message"] for p in batch.problems)
    assert "unexpected unit 'ppt'" in messages and "OPENAQ-9901" in messages
    assert KEY not in messages and KEY not in json.dumps(batch.summary)


def test_failing_sensor_is_reported_and_the_rest_kept_and_429_waits(monkeypatch):
    extra = {
        "/v3/sensors/20001/hours": [(500, "db timeout", {})],
        "/v3/locations": [(429, "rate limited", {"Retry-After": "3"}), lambda q: (200, PAGES[int(q["page"]) - 1], {})],
    }
    with serve(extra) as srv:
        batch, client = run(srv, monkeypatch, page_limit=2)
    assert 3.0 in client.waits
    yibin = batch.rows.filter(pl.col("station_code") == "1883A")
    assert yibin["pm25"].null_count() == 24 and yibin["o3"].null_count() == 0
    failed = [p for p in batch.problems if p["row"] == "sensor 20001"]
    assert "HTTP 500" in failed[0]["message"] and KEY not in failed[0]["message"]


def test_empty_region_gives_an_empty_batch(monkeypatch):
    empty = json.dumps({"meta": {"page": 1, "limit": 5, "found": 0}, "results": []})
    with serve({"/v3/locations": [(200, empty, {})]}) as srv:
        batch, _ = run(srv, monkeypatch)
    assert batch.rows.height == 0 and batch.summary["locations"] == 0


def test_missing_key_and_bad_key_are_clear_errors_without_the_key(monkeypatch):
    monkeypatch.delenv("ENVMON_OPENAQ_API_KEY", raising=False)
    with pytest.raises(HttpSourceError, match="set ENVMON_OPENAQ_API_KEY"):
        openaq_source(DAY, CATALOG, SourceOptions(openaq_url="http://127.0.0.1:9"))
    with serve({"/v3/locations": [(401, '{"detail": "invalid key"}', {})]}) as srv:
        with pytest.raises(HttpSourceError) as err:
            run(srv, monkeypatch)
    assert "HTTP 401" in str(err.value) and KEY not in str(err.value)
