"""The runs for what propagation requests: the days each asset needs, few runs, and every asset after what it reads."""

import dagster as dg

from assets.partitions import days_per_run
from pipelines.definitions import defs
from pipelines.run_groups import plan
from tests.conftest import need_shared_data

GRAPH = defs.resolve_job_def("daily_job").asset_layer.asset_graph
KEY = dg.AssetKey


def test_runs_are_in_dependency_order_and_assets_that_need_the_same_days_share_one():
    day, next_day = "2026-03-02", "2026-03-03"
    pending = {
        KEY(["intermediate", "air_hourly_valid"]): {day},
        KEY(["intermediate", "air_station_daily_values"]): {day},
        KEY(["intermediate", "air_hourly_moving"]): {day, next_day},
        KEY(["intermediate", "air_aqi"]): {day, next_day},
        KEY(["marts", "air_station_daily"]): {day, next_day},
        KEY(["intermediate", "water_values"]): {day},
        KEY(["alerts", "events"]): {day, next_day, "2026-03-04"},
        KEY(["published", "snapshot"]): {None},
    }
    runs = plan(GRAPH, pending, 31)
    assert len(runs) == 3 and runs[-1].assets[-1] == KEY(["published", "snapshot"])
    position = {key: i for i, run in enumerate(runs) for key in run.assets}
    for key, at in position.items():
        for parent in GRAPH.get(key).parent_keys:
            assert position.get(parent, -1) <= at, (key, parent)
    assert {(r.first, r.last) for r in runs} == {(day, day), (day, next_day), (day, "2026-03-04")}


def test_a_long_range_is_cut_into_runs_of_the_days_per_run_at_most_and_gaps_are_not_run():
    days = {f"2026-01-{d:02d}" for d in range(1, 32)} | {f"2026-02-{d:02d}" for d in range(1, 11)} | {"2026-03-05"}
    runs = plan(GRAPH, {KEY(["intermediate", "air_hourly_valid"]): days}, 31)
    assert [(r.first, r.last) for r in runs] == [
        ("2026-01-01", "2026-01-31"),
        ("2026-02-01", "2026-02-10"),
        ("2026-03-05", "2026-03-05"),
    ]


def test_a_run_holds_a_year_of_the_region_and_a_month_of_the_national_network(monkeypatch):
    monkeypatch.delenv("ENVMON_STATIONS", raising=False)
    assert days_per_run() == 366  # the region's 30 stations: a 365-day window is one run
    national = need_shared_data("stations_national_2018.csv") / "stations_national_2018.csv"
    assert days_per_run(national) == 31  # 1,495 stations
    monkeypatch.setenv("ENVMON_STATIONS", str(national))
    assert days_per_run() == 31  # the code location's catalog, as the assets' backfill policy reads it
