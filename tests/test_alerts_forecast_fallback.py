"""Warnings with real data: the official forecast first, Open-Meteo (CAMS) as the default fallback of live sources
(3 days, replayed from the recorded response), and a warning check, plus a line in data operations' digest, when
no forecast covers D+1 .. D+3 for an area."""

import datetime as dt

import polars as pl
import pytest

from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.digest import compose_due_digests
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.air_inputs import daily_series
from assets.alerts.rules.rules_config import load_rules
from assets.http_sources.forecast_days import forecast_days
from assets.http_sources.open_meteo import PATH
from tests.alerts_scenario import prepare
from tests.http_replay import FIXTURES, ReplayServer
from tests.pipeline_runs import run_days
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.server]

EPISODE = (FIXTURES / "open_meteo" / "episode_6days.json").read_text(encoding="utf-8")
FEED = FIXTURES / "livefeed"  # two hourly snapshots of 2026-11-11
DAY = dt.date(2026, 11, 11)  # the live-feed fixture's day; its forecast is issued on the 12th
AREAS = {"自贡", "泸州", "内江", "宜宾", "江津", "永川", "綦江", "大足", "铜梁", "荣昌"}


def test_open_meteo_is_fetched_by_default_for_live_sources_only():
    assert [forecast_days(s, -1) for s in ("livefeed", "openaq", "open_meteo")] == [3, 3, 3]
    assert [forecast_days(s, -1) for s in ("generator", "archive")] == [0, 0]
    assert forecast_days("livefeed", 0) == 0 and forecast_days("archive", 5) == 5  # the setting wins


def test_the_official_forecast_comes_first_and_open_meteo_fills_the_rest(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    rows = [  # (issue, area, target, aqi, source)
        (DAY, "自贡", DAY + dt.timedelta(days=1), 150, "sichuan_centre"),
        (DAY + dt.timedelta(days=1), "自贡", DAY + dt.timedelta(days=1), 260, "open_meteo"),  # later, but fallback
        (DAY + dt.timedelta(days=1), "内江", DAY + dt.timedelta(days=1), 240, "open_meteo"),  # the only one
    ]
    frame = pl.DataFrame(
        rows, schema=["issue_date", "area", "target_date", "aqi", "source"], orient="row"
    ).with_columns(pl.col("aqi").cast(pl.Int32), load_partition=pl.lit(DAY))
    with write_connection(db) as con:
        con.register("_f", frame.to_arrow())
        con.execute("INSERT INTO forecast.aqi_daily BY NAME SELECT * FROM _f")
        series = daily_series(con, DAY, 1, 3)
    assert dict(series.select("area", "aqi").iter_rows()) == {"自贡": 150, "内江": 240}


@pytest.fixture(scope="module")
def without_forecast(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("no_forecast") / "data"
    (result,) = run_days(data_dir, [DAY], air_source="livefeed", input_path=str(FEED), openmeteo_forecast_days=0)
    return data_dir, result


def test_a_live_run_without_any_forecast_warns_naming_the_areas(without_forecast):
    _, result = without_forecast
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "forecast_coverage"]
    assert not check.passed and check.severity.value == "WARN"
    assert set(check.metadata["areas_without_forecast"].value) == AREAS
    assert "no forecast for D+1 .. D+3 in 10 area(s)" in check.description


def test_data_operations_are_told_in_the_days_digest(without_forecast):
    data_dir, _ = without_forecast
    with write_connection(DataPaths(data_dir).warehouse) as con:
        compose_due_digests(
            con, load_contacts(), NotifyRules.from_rules(load_rules()), dt.datetime(2026, 11, 12, 10, 5)
        )
        digests = fetch_polars(
            con,
            "SELECT d.recipient, m.subject, m.body_text FROM alerts.digests d "
            "JOIN alerts.messages m USING (message_id) WHERE d.day = ?",
            [DAY],
        )
    ops = digests.filter(pl.col("recipient") == "data.ops@example.cn").row(0, named=True)
    assert "10个区县无预报 areas without a forecast" in ops["subject"]
    assert "■ 预报覆盖 / forecast coverage" in ops["body_text"] and all(a in ops["body_text"] for a in AREAS)
    assert "2026-11-12、2026-11-13、2026-11-14" in ops["body_text"]
    others = digests.filter(pl.col("recipient") != "data.ops@example.cn")["body_text"]
    assert not any("预报覆盖" in body for body in others)  # the coverage is data operations' business


def test_the_recorded_open_meteo_forecast_gives_a_yellow_warning(tmp_path):
    """Issued 2026-11-12 for the 12th-14th (the default 3 days): AQI 287, 307, 165 in every area (the fixture is
    served for all ten): two days above 200, one above 300, but not three: yellow (national criteria), in all ten
    areas of both provinces, hence also a regional yellow warning."""
    data_dir = tmp_path / "data"
    with ReplayServer({PATH: [(200, EPISODE, {})]}) as srv:
        (result,) = run_days(data_dir, [DAY], air_source="livefeed", input_path=str(FEED), openmeteo_url=srv.url)
    assert {r["query"]["start_date"] for r in srv.requests} == {"2026-11-12"}
    assert {r["query"]["end_date"] for r in srv.requests} == {"2026-11-15"}  # 3 days; the 24:00 label of the 14th
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "forecast_coverage"]
    assert check.passed
    with write_connection(DataPaths(data_dir).warehouse) as con:
        forecast = fetch_polars(con, "SELECT DISTINCT source, target_date FROM forecast.aqi_daily ORDER BY 2")
        warnings = fetch_polars(
            con,
            "SELECT kind, subject, status, level FROM alerts.event_log WHERE kind LIKE '%warning' AND day = ?",
            [DAY],
        )
    assert forecast.rows() == [("open_meteo", DAY + dt.timedelta(days=i)) for i in (1, 2, 3)]
    areas = warnings.filter(pl.col("kind") == "area_warning")
    assert set(areas["subject"]) == AREAS and set(areas["level"]) == {"yellow"} and set(areas["status"]) == {"issued"}
    assert warnings.filter(pl.col("kind") == "regional_warning").select("status", "level").rows() == [
        ("issued", "yellow")
    ]


def test_an_unreachable_default_fallback_does_not_stop_the_days_alerts(tmp_path):
    """Open-Meteo answering 404 to every request (a 5xx would be retried with back-off first, to the same end): the
    forecast step succeeds with nothing, the alerts run, and the coverage check warns; asked for explicitly
    (ENVMON_OPENMETEO_FORECAST_DAYS=3), the step fails loudly."""
    import dagster as dg

    from assets.air.assets import station_catalog
    from assets.http_sources.assets import open_meteo_forecast_asset
    from assets.resources import resources_for

    with ReplayServer({}) as srv:  # no route: every request gets 404
        (result,) = run_days(
            tmp_path / "data", [DAY], air_source="livefeed", input_path=str(FEED), openmeteo_url=srv.url
        )
        (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "forecast_coverage"]
        assert not check.passed
        explicit = dg.materialize(
            [station_catalog, open_meteo_forecast_asset],
            partition_key=str(DAY),
            resources=resources_for(
                str(tmp_path / "d2"), air_source="livefeed", openmeteo_url=srv.url, openmeteo_forecast_days=3
            ),
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
    assert not explicit.success
