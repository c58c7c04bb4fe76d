import polars as pl
import pytest

from assets.catalog.stations import CatalogError, load_station_catalog
from tests.conftest import need_shared_data

AREAS = {"自贡", "泸州", "内江", "宜宾", "江津", "永川", "綦江", "大足", "铜梁", "荣昌"}


def test_region_catalog_has_the_30_national_stations_of_the_ten_areas():
    catalog = load_station_catalog()
    assert catalog.height == 30
    assert set(catalog["area"]) == AREAS
    assert set(catalog.filter(pl.col("province") == "重庆")["area"]) == {"江津", "永川", "綦江", "大足", "铜梁", "荣昌"}
    retired = set(catalog.filter(~pl.col("in_service"))["code"])
    assert retired == {"1887A", "1897A", "1898A", "1899A", "1900A"}


def test_minimal_national_catalog_loads():
    cnemc = need_shared_data("stations_national_2018.csv")
    catalog = load_station_catalog(cnemc / "stations_national_2018.csv")
    assert catalog.height == 1495
    assert catalog.filter(pl.col("code") == "1001A")["area"].item() == "北京"
    assert catalog["in_service"].all()


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
