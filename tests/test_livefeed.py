"""National live-feed layout: JSON and CSV, missing tokens, the o3/o3_24h swap, from a file, a folder or a URL."""

import datetime as dt
import shutil

import polars as pl
import pytest

from assets.air.sources import SourceOptions
from assets.catalog.stations import load_station_catalog
from assets.http_sources.client import HttpClient, HttpSourceError
from assets.http_sources.livefeed import PUBLISHED_TABLE, livefeed_source
from tests.http_replay import FIXTURES, ReplayServer

pytestmark = pytest.mark.server

FEED = FIXTURES / "livefeed"
CATALOG = load_station_catalog()
DAY = dt.date(2026, 11, 11)


def quick_client():
    return HttpClient("livefeed", sleep=lambda s: None, per_host_per_second=0)


def test_json_missing_tokens_swap_and_unparsable_values():
    batch = livefeed_source(DAY, CATALOG, SourceOptions(input_path=str(FEED / "feed_2026111101.json")))
    rows = {r["station_code"]: r for r in batch.rows.iter_rows(named=True)}
    assert set(rows) == {"1883A", "3351A", "9999A"}  # the unknown station is kept: the row rules quarantine it
    yibin, dazu = rows["1883A"], rows["3351A"]
    assert yibin["ts"] == dt.datetime(2026, 11, 11, 1) and yibin["pm25"] == 49 and yibin["co"] == 0.9
    assert dazu["no2"] is None and dazu["co"] is None and dazu["pm10"] is None  # "-;" and "—"
    assert dazu["o3"] == 18  # o3 74 > o3_24h 18: swapped back
    assert yibin["o3"] == 22  # consistent row untouched
    assert rows["9999A"]["no2"] is None
    published = batch.side_tables[PUBLISHED_TABLE]
    assert set(published["station_code"]) == {"1883A", "3351A"}  # catalog stations only
    pub = published.filter(pl.col("station_code") == "3351A").row(0, named=True)
    assert pub["o3_24h"] == 74 and pub["aqi"] is None and pub["pm25_24h"] == 55
    by_field = {(p["row"], p["field"]): p["message"] for p in batch.problems}
    assert by_field[(2, "o3,o3_24h")] == "o3 > o3_24h: values swapped back"
    assert "not a number: 'n/a'" in by_field[(3, "no2")]
    assert batch.summary["o3_swapped_rows"] == 1
    (unknown,) = [p for p in batch.problems if p.get("kind") == "stations_not_in_catalog"]  # and said in one line
    assert "9999A (1 h)" in unknown["message"] and "in quarantine.rejected_rows" in unknown["message"]


def test_folder_of_snapshots_json_and_csv_keeps_only_the_day(tmp_path):
    for f in FEED.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "broken.json").write_text('[{"timepoint": "2026-11-11T03:00:00", ', encoding="utf-8")
    batch = livefeed_source(DAY, CATALOG, SourceOptions(input_path=str(tmp_path)))
    assert batch.rows.height == 5 and batch.summary["rows_of_other_days"] == 1  # 2026-11-12 03:00 is the next day
    csv_dazu = batch.rows.filter((pl.col("station_code") == "3351A") & (pl.col("ts") == dt.datetime(2026, 11, 11, 2)))
    assert csv_dazu["o3"].item() == 15 and csv_dazu["pm25"].item() is None
    csv_yibin = batch.rows.filter((pl.col("station_code") == "1883A") & (pl.col("ts") == dt.datetime(2026, 11, 11, 2)))
    assert csv_yibin["o3"].item() == 20  # the CSV row has o3 65 > o3_24h 20: swapped
    assert batch.summary["o3_swapped_rows"] == 2
    broken = [p for p in batch.problems if p["file"].endswith("broken.json")]
    assert "malformed JSON" in broken[0]["message"]  # reported; the other files kept


def test_url_through_a_local_server_with_a_retry():
    body = (FEED / "feed_2026111101.json").read_bytes()
    with ReplayServer({"/feed": [(503, "busy", {"Retry-After": "2"}), (200, body, {})]}) as srv:
        client = quick_client()
        batch = livefeed_source(DAY, CATALOG, SourceOptions(livefeed_url=srv.url + "/feed"), client)
    assert batch.rows.height == 3 and client.waits == [2.0]


def test_empty_feed_and_wrong_layout():
    with ReplayServer({"/feed": [(200, "[]", {})], "/other": [(200, '[{"city": "x"}]', {})]}) as srv:
        empty = livefeed_source(DAY, CATALOG, SourceOptions(livefeed_url=srv.url + "/feed"), quick_client())
        assert empty.rows.height == 0
        with pytest.raises(HttpSourceError, match="not the live-feed layout"):
            livefeed_source(DAY, CATALOG, SourceOptions(livefeed_url=srv.url + "/other"), quick_client())


def test_no_input_is_a_clear_error():
    with pytest.raises(HttpSourceError, match="ENVMON_LIVEFEED_URL"):
        livefeed_source(DAY, CATALOG, SourceOptions())
