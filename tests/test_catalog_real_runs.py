"""`envmon run --source archive` on the real day 2023-01-22 with the national list (2018) and with the region's own
list (stations_region.csv) as the catalog: the region's ten areas with their right stations, the province and
region roll-ups, and every code of the files that the catalog lacks listed in meta.ingest_problems, the run's
summary and the e-mail to data operations (skipped where ../shared/data is absent).

One run per catalog (module-scoped), of the one day the assertions need: the natural day 2023-01-22 reads hours
1-23 of china_sites_20230122.csv and hour 0 of china_sites_20230123.csv, and its station and area statistics use
that day's hours only."""

import datetime as dt
import email
import email.header
import os
import re
import subprocess
import sys

import duckdb
import polars as pl
import pytest

from assets.catalog.stations import load_station_catalog
from tests.conftest import PROJECT, need_shared_data
from warehouse.paths import DataPaths

pytestmark = pytest.mark.subprocess

DAY = dt.date(2023, 1, 22)
FILES = ("china_sites_20230122.csv", "china_sites_20230123.csv")
CATALOGS = {"national": "stations_national_2018.csv", "region": "stations_region.csv"}
# the stations that publish on that day, by area (the issue; independent of the seed)
STATIONS = {
    "自贡": {"3027A", "3028A", "3360A", "3638A"},
    "泸州": {"1893A", "1894A", "1895A", "1896A", "3490A"},
    "内江": {"2531A", "2532A", "2533A", "2534A"},
    "宜宾": {"1882A", "1883A", "1884A", "1885A", "1886A", "3728A"},
    "永川": {"3347A"},
    "綦江": {"3350A"},
    "大足": {"3351A"},
    "江津": {"3484A"},
    "铜梁": {"3601A"},
    "荣昌": {"3610A"},
}
SICHUAN = {"自贡", "泸州", "内江", "宜宾"}


@pytest.fixture(scope="module", params=list(CATALOGS))
def archive_run(request, tmp_path_factory):
    cnemc = need_shared_data(*FILES, CATALOGS[request.param])
    data_dir = tmp_path_factory.mktemp(request.param) / "data"
    env = dict(os.environ, ENVMON_DATA_DIR=str(data_dir), DAGSTER_HOME=str(data_dir / "dagster"), ENVMON_SMTP_HOST="")
    env["PYTHONPATH"] = str(PROJECT)
    env.pop("ENVMON_STATIONS", None)
    catalog = cnemc / CATALOGS[request.param]
    argv = ["run", "--source", "archive", "--input", str(cnemc), "--start", str(DAY), "--end", str(DAY)]
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *argv, "--stations", str(catalog)],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return request.param, catalog, data_dir, done.stdout


def query(data_dir, sql: str) -> pl.DataFrame:
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_the_ten_areas_with_their_stations(archive_run):
    name, _, data_dir, _ = archive_run
    areas = query(data_dir, f"SELECT area, province, stations_used, aqi FROM marts.air_area_daily WHERE day = '{DAY}'")
    region = areas.filter(pl.col("province").is_not_null())
    assert {r["area"]: r["province"] for r in region.iter_rows(named=True)} == {
        a: "四川" if a in SICHUAN else "重庆" for a in STATIONS
    }
    assert dict(region.select("area", "stations_used").iter_rows()) == {a: len(s) for a, s in STATIONS.items()}
    assert region["aqi"].null_count() == 0
    stations = query(
        data_dir,
        f"SELECT area, list(station_code) AS codes FROM marts.air_station_daily WHERE day = '{DAY}' "
        "AND province IS NOT NULL GROUP BY area",
    )
    assert {r["area"]: set(r["codes"]) for r in stations.iter_rows(named=True)} == STATIONS
    # the national list's other Chongqing stations stay an area 重庆 outside the region; the region's list has none
    chongqing = areas.filter(pl.col("area") == "重庆")
    assert chongqing.height == (1 if name == "national" else 0)
    assert chongqing["province"].null_count() == chongqing.height
    assert areas.height == 10 if name == "region" else areas.height > 300  # the national network's areas too


def test_the_province_and_region_roll_ups_have_every_area(archive_run):
    _, _, data_dir, _ = archive_run
    rolled = query(
        data_dir, "SELECT scope, name, areas FROM marts.air_region_stats WHERE period_kind = 'month' ORDER BY ALL"
    )
    assert rolled.rows() == [("province", "四川", 4), ("province", "重庆", 6), ("region", "川南渝西", 10)]


def not_in_catalog(cnemc_file_day, cnemc_file_next, catalog) -> dict[str, int]:
    """Independently of the reader: code -> hours with any value in the natural day, for codes the catalog lacks."""
    day = pl.read_csv(cnemc_file_day, infer_schema=False).filter(pl.col("hour").cast(pl.Int32) >= 1)
    next_day = pl.read_csv(cnemc_file_next, infer_schema=False).filter(pl.col("hour").cast(pl.Int32) == 0)
    known = set(load_station_catalog(catalog)["code"])
    hours = {}
    for frame in (day, next_day):
        for code in frame.columns[3:]:
            if code in known:
                continue
            filled = frame.filter(pl.col(code).str.strip_chars().str.len_chars() > 0)
            hours.setdefault(code, set()).update(filled["hour"].to_list() if filled.height else [])
    return {code: len(h) for code, h in hours.items()}


def test_the_codes_the_catalog_lacks_are_listed_in_the_problems_the_summary_and_the_mail(archive_run):
    name, catalog, data_dir, stdout = archive_run
    expected = not_in_catalog(catalog.parent / FILES[0], catalog.parent / FILES[1], catalog)
    with_values = {code: n for code, n in expected.items() if n}
    assert len(with_values) > (300 if name == "national" else 1500)
    assert not set(expected) & set().union(*STATIONS.values())  # none of the region's

    lines = query(data_dir, "SELECT * FROM meta.ingest_problems WHERE kind = 'stations_not_in_catalog'")
    (line,) = lines.iter_rows(named=True)  # one per batch
    assert (line["day"], line["file"]) == (DAY, str(catalog.parent / FILES[0]))
    message = line["message"]
    assert message.startswith(f"{len(expected)} station code(s) not in the station catalog; {len(with_values)} with")
    assert f"{sum(with_values.values())} station-hour(s) not loaded" in message
    listed = dict(re.findall(r"(\w+) \((\d+) h\)", message))
    assert len(listed) == 50 and f"and {len(with_values) - 50} more" in message
    assert {code: int(n) for code, n in listed.items()} == {c: with_values[c] for c in sorted(with_values)[:50]}
    empty = len(expected) - len(with_values)
    assert (f"{empty} without any value" in message) == (empty > 0)

    assert "stations_not_in_catalog" in stdout and message in stdout  # the closing summary
    mails = [email.message_from_bytes(p.read_bytes()) for p in DataPaths(data_dir).outbox.glob("*.eml")]
    subjects = [str(email.header.make_header(email.header.decode_header(m["Subject"]))) for m in mails]
    (mail,) = [m for m, s in zip(mails, subjects) if "data problems" in s]
    body = mail.get_payload(0).get_payload(decode=True).decode()
    assert "stations_not_in_catalog" in body and message in body
