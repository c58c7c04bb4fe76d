import datetime as dt

import polars as pl
import pytest

from assets.catalog.stations import CatalogError, active_stations, load_station_catalog, read_station_csv
from tests.conftest import need_shared_data

AREAS = {"自贡", "泸州", "内江", "宜宾", "江津", "永川", "綦江", "大足", "铜梁", "荣昌"}


def test_region_catalog_has_the_30_national_stations_of_the_ten_areas():
    catalog = load_station_catalog()
    assert catalog.height == 30
    assert set(catalog["area"]) == AREAS
    assert set(catalog.filter(pl.col("province") == "重庆")["area"]) == {"江津", "永川", "綦江", "大足", "铜梁", "荣昌"}
    retired = set(catalog.filter(~pl.col("in_service"))["code"])
    assert retired == {"1887A", "1897A", "1898A", "1899A", "1900A"}


def test_minimal_national_catalog_loads_with_the_region_s_stations_from_the_seed():
    cnemc = need_shared_data("stations_national_2018.csv")
    catalog = load_station_catalog(cnemc / "stations_national_2018.csv")
    # the 2018 list lacks 12 of the region's stations (opened since): they are added from the seed
    assert catalog.height == 1495 + 12
    beijing = catalog.filter(pl.col("code") == "1001A").row(0, named=True)
    assert (beijing["area"], beijing["province"], beijing["in_service"]) == ("北京", None, True)
    region = catalog.filter(pl.col("province").is_not_null())
    assert region.sort("code").equals(load_station_catalog().sort("code"))  # the seed's rows, whole
    assert dict(region.group_by("area").len().iter_rows()) == {
        **{area: 1 for area in ("江津", "永川", "綦江", "大足", "铜梁", "荣昌")},
        **{"自贡": 8, "泸州": 5, "内江": 4, "宜宾": 7},
    }
    assert catalog.filter(pl.col("area") == "重庆").height == 17  # the national list's other Chongqing stations
    assert set(catalog.filter(~pl.col("in_service"))["code"]) == {"1887A", "1897A", "1898A", "1899A", "1900A"}


def test_bad_catalogs_are_named_clearly(tmp_path):
    missing = tmp_path / "no_lat.csv"
    missing.write_text("code,name,city,lon\n1A,x,y,1\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="no_lat.csv.*lat"):
        load_station_catalog(missing)
    dup = tmp_path / "dup.csv"
    dup.write_text("code,name,city,lon,lat\n1A,x,y,1,2\n1A,z,y,1,2\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="duplicate station code.*1A"):
        load_station_catalog(dup)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,city,lon,lat\n1A,x,y,abc,2\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="row 2 .*1A"):
        load_station_catalog(bad)


def test_the_region_s_own_list_is_read_as_it_is_and_gives_the_seed():
    cnemc = need_shared_data("stations_region.csv")
    as_written = read_station_csv(cnemc / "stations_region.csv")  # city_in_list, is_control, target_area
    dazu = as_written.filter(pl.col("code") == "3351A").row(0, named=True)
    assert (dazu["area"], dazu["area_en"], dazu["province"], dazu["city"]) == ("大足", "Dazu", "重庆", "重庆")
    assert set(as_written.filter(pl.col("is_background"))["code"]) == {"1882A", "1887A", "1893A", "1897A"}
    assert set(as_written["area"]) == AREAS and as_written["province"].null_count() == 0
    # loaded as a catalog: the seed's rows (service dates included), nothing added, nothing lost
    assert load_station_catalog(cnemc / "stations_region.csv").equals(load_station_catalog().sort("code"))


def write_catalog(path, lines: list[str]):
    path.write_text("\n".join(["code,name,city,lon,lat,area", *lines]) + "\n", encoding="utf-8")
    return path


def test_a_wider_catalog_gets_the_region_s_stations_a_subset_of_the_region_stays_a_subset(tmp_path):
    wider = load_station_catalog(
        write_catalog(
            tmp_path / "wider.csv",
            [
                "1001A,万寿西宫,北京市,116.366,39.8673,",
                "3351A,棠香,重庆市,105.7,29.7,重庆",
                "9001A,新站,自贡市,104.7,29.3,",
            ],
        )
    )
    seed = load_station_catalog()
    assert set(wider["code"]) == set(seed["code"]) | {"1001A", "9001A"}
    assert wider.filter(pl.col("code") == "3351A").equals(seed.filter(pl.col("code") == "3351A"))  # not 重庆
    other = wider.filter(pl.col("code").is_in(["1001A", "9001A"])).sort("code")
    # a station of the file in a region city is in that area (and province): the operator's file says so
    assert other.select("area", "province").rows() == [("北京", None), ("自贡", "四川")]

    subset = load_station_catalog(write_catalog(tmp_path / "subset.csv", ["3351A,x,重庆市,105.7,29.7,重庆"]))
    assert subset.equals(seed.filter(pl.col("code") == "3351A"))


def test_service_periods_are_dates_of_the_seed():
    catalog = load_station_catalog()
    today = set(active_stations(catalog)["code"])
    assert len(today) == 25
    assert set(active_stations(catalog, dt.date(2020, 6, 26))["code"]) == today | {"1887A"}  # its last day
    assert set(active_stations(catalog, dt.date(2020, 6, 27))["code"]) == today  # closed that day
    opened = catalog.with_columns(
        active_from=pl.when(pl.col("code") == "3638A").then(dt.date(2023, 1, 22)).otherwise(pl.col("active_from"))
    )
    assert "3638A" not in set(active_stations(opened, dt.date(2023, 1, 21))["code"])
    assert "3638A" in set(active_stations(opened, dt.date(2023, 1, 22))["code"])


def test_a_date_that_cannot_be_read_is_named(tmp_path):
    bad = tmp_path / "dates.csv"
    bad.write_text("code,name,city,lon,lat,active_to\n1A,x,y,1,2,\n2A,x,y,1,2,2020/06/27\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"dates.csv: row 3 \(station 2A\): active_to '2020/06/27' .*YYYY-MM-DD"):
        load_station_catalog(bad)
    other = tmp_path / "other.csv"
    other.write_text("code,name,city_name,lon,lat\n1A,x,y,1,2\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="other.csv: the station catalog lacks column.s. city .*docs/sources.md"):
        load_station_catalog(other)
