"""The problem line about the codes of an input that the catalog lacks: counted, listed with their hours, bounded."""

import datetime as dt

import polars as pl

from assets.air.unknown_stations import LISTED, unknown_stations_problem

T0 = dt.datetime(2023, 1, 22, 1)


def cells(hours_per_code: dict[str, int]) -> pl.DataFrame:
    rows = [(code, T0 + dt.timedelta(hours=h)) for code, n in hours_per_code.items() for h in range(n) for _ in (1, 2)]
    return pl.DataFrame(rows, schema={"station_code": pl.String, "ts": pl.Datetime("us")}, orient="row")


def test_every_unknown_code_is_counted_and_the_listing_stays_bounded():
    unknown = {f"{9000 + i}A": 1 + i % 24 for i in range(LISTED + 23)}
    line = unknown_stations_problem(
        cells({"1882A": 24, **unknown}), pl.Series(["1882A"]), "china_sites_20230122.csv", empty=["1882A", "8888A"]
    )
    message = line["message"]
    assert (line["kind"], line["file"], line["row"]) == ("stations_not_in_catalog", "china_sites_20230122.csv", 1)
    assert message.startswith(f"{LISTED + 24} station code(s) not in the station catalog; {LISTED + 23} with values")
    assert f"{sum(unknown.values())} station-hour(s) not loaded" in message  # two cells an hour count once
    assert "9000A (1 h), 9001A (2 h)" in message and f"9049A ({1 + 49 % 24} h) and 23 more" in message
    assert "9050A" not in message and "1882A" not in message  # the 51st code; a known one
    assert "1 without any value (empty columns: 8888A)" in message


def test_no_line_when_the_catalog_knows_every_code():
    assert unknown_stations_problem(cells({"1882A": 3}), pl.Series(["1882A"]), "f.csv", empty=["1882A"]) is None
