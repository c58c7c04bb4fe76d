"""The validation layer on the real national files (skipped where ../shared/data is absent)."""

import datetime as dt

import polars as pl
import pytest

from assets.catalog.stations import active_stations, load_station_catalog
from assets.quality.capture import daily_capture
from assets.quality.specs import AIR_HOURLY
from assets.quality.validate import validate_batch
from tests.conftest import need_shared_data
from tests.national_files import tidy_national

NOW = dt.datetime(2023, 2, 1)
NONE_LOADED = pl.DataFrame(schema={"station_code": pl.String, "ts": pl.Datetime("us")})
DAYS = ["20230120", "20230121", "20230122", "20230123"]


@pytest.fixture(scope="module")
def region():
    cnemc = need_shared_data(*(f"china_sites_{d}.csv" for d in DAYS))
    catalog = load_station_catalog()
    out = []
    for d in DAYS:
        rows, _ = tidy_national(cnemc / f"china_sites_{d}.csv")
        rows = rows.filter(pl.col("station_code").is_in(catalog["code"].implode()))
        day = dt.datetime.strptime(d, "%Y%m%d").date()
        out.append((day, rows, validate_batch(AIR_HOURLY, rows.drop("aqi"), day, catalog["code"], NONE_LOADED, NOW)))
    return catalog, out


def test_decommissioned_stations_are_empty_and_not_reported_short(region):
    catalog, days = region
    gone = ["1887A", "1897A", "1898A", "1899A", "1900A"]
    for day, rows, result in days:
        assert rows.filter(pl.col("station_code").is_in(gone)).height == 0  # the archive has only empty cells
        capture = daily_capture(AIR_HOURLY, result.accepted, result.flags, day, active_stations(catalog)["code"])
        assert not set(gone) & set(capture["station_code"])
        # their replacements report and are judged
        assert {"3027A", "3028A", "3360A", "3638A"} <= set(capture["station_code"])


def test_pm25_above_pm10_values_stay_and_only_beyond_tolerance_are_flagged(region):
    _, days = region
    above = 0
    for _, _rows, result in days:
        pairs = result.accepted.filter(pl.col("pm25") > pl.col("pm10"))
        above += pairs.height
        flagged = result.flags.filter(pl.col("flag_code") == "PMR", pl.col("parameter") == "pm25")
        beyond = pairs.filter(pl.col("pm25") - pl.col("pm10") > pl.max_horizontal(pl.lit(10.0), 0.2 * pl.col("pm10")))
        assert set(flagged.select("station_code", "ts").iter_rows()) == set(
            beyond.select("station_code", "ts").iter_rows()
        )
    assert above == 115  # as the data README says: the values stay in staging, none is rejected


def test_pm10_missing_while_aqi_present_is_accepted_and_counted_in_capture(region):
    catalog, days = region
    seen = 0
    for day, rows, result in days:
        gaps = rows.filter(pl.col("pm10").is_null() & pl.col("aqi").is_not_null()).select("station_code", "ts")
        seen += gaps.height
        assert gaps.join(result.accepted, on=["station_code", "ts"], how="anti").height == 0
        capture = daily_capture(AIR_HOURLY, result.accepted, result.flags, day, active_stations(catalog)["code"])
        pm10 = capture.filter(pl.col("pollutant") == "pm10")
        pm25 = capture.filter(pl.col("pollutant") == "pm25")
        assert (pm10["valid"] <= 24).all() and pm10.height == pm25.height
    assert seen > 0


def test_spring_festival_episode_is_not_a_spike(region):
    _, days = region
    _, _, result = days[1]  # 2023-01-21: Dazu 3351A PM2.5 320 at 23:00 after a build-up
    dazu = result.flags.filter(pl.col("station_code") == "3351A", pl.col("parameter") == "pm25")
    assert dazu.height == 0
    assert (
        result.accepted.filter(pl.col("station_code") == "3351A", pl.col("ts") == dt.datetime(2023, 1, 21, 23))[
            "pm25"
        ].item()
        == 320
    )


def corrupt(src, dst):
    """Injected negatives and sentinels, duplicated lines, an unknown station, garbage cells."""
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("1001A")
    out = [lines[0] + ",9999Z"]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[2] == "PM2.5" and cells[1] in ("3", "4"):
            cells[col] = "-7" if cells[1] == "3" else "-999"
        if cells[2] == "NO2" and cells[1] == "5":
            cells[col + 1] = "abc"
            cells[col + 2] = "12..3"
        if cells[2] == "SO2" and cells[1] == "6":
            cells[col + 3] = "—"
        out.append(",".join(cells + ["42"]))
        if cells[2] in ("PM2.5", "PM10") and cells[1] == "7":
            out.append(",".join(cells + ["43"]))  # the same line delivered twice
    dst.write_text("\n".join(out) + "\n", encoding="gbk", errors="replace")


def test_corrupted_national_file_loses_nothing_row_by_row(tmp_path):
    cnemc = need_shared_data("china_sites_20230121.csv", "stations_national_2018.csv")
    path = tmp_path / "china_sites_20230121.csv"
    corrupt(cnemc / "china_sites_20230121.csv", path)
    rows, problems = tidy_national(path)
    assert sorted(problems.select("row", "field", "value").rows())[:2] == sorted(
        problems.filter(pl.col("value").is_in(["abc", "12..3"])).select("row", "field", "value").rows()
    )
    assert set(problems["value"]) == {"abc", "12..3"}  # '—' is a missing token, not a problem
    catalog = load_station_catalog(cnemc / "stations_national_2018.csv")
    day = dt.date(2023, 1, 21)
    result = validate_batch(
        AIR_HOURLY, rows.drop("aqi"), day, catalog["code"], NONE_LOADED, NOW, max_rejected_share=1.0
    )

    # every input row is in exactly one of accepted / rejected, and rejected rows are the rows they name
    assert result.accepted.height + result.rejected.height == rows.height
    numbered = rows.drop("aqi").with_row_index("row_number", offset=1)
    named = numbered.join(result.rejected.select("row_number", "reasons"), on="row_number")
    assert named.drop("reasons").equals(result.rejected.drop("reasons").select(named.drop("reasons").columns))
    back = pl.concat([result.accepted, result.rejected.drop("row_number", "reasons")])
    assert back.sort(back.columns, nulls_last=True).equals(rows.drop("aqi").sort(back.columns, nulls_last=True))

    reasons = dict(named.group_by("station_code").agg(pl.col("reasons").first()).iter_rows())
    assert reasons["9999Z"] == "expect_column_values_to_be_in_set(station_code, catalog)"
    dupes = named.filter(pl.col("reasons").str.contains("superseded"))
    assert dupes.height and dupes["ts"].dt.hour().unique().to_list() == [7]
    flags = result.flags.filter(pl.col("station_code") == "1001A", pl.col("parameter") == "pm25")
    assert dict(zip(flags["ts"].dt.hour(), flags["flag_code"])) == {3: "NEG", 4: "SEN"}
    kept = result.accepted.filter(pl.col("station_code") == "1001A", pl.col("ts").dt.hour().is_in([3, 4]))
    assert sorted(kept["pm25"].to_list()) == [-999.0, -7.0]  # the value stays, flagged
