"""The monthly report built from the generator's default window: files, XLSX, Dagster metadata, the e-mail, and the
page in a real browser (headless Chromium) with its charts rendered and no broken image."""

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import openpyxl
import polars as pl
import pytest
from matplotlib import image as mpimg

from assets.reports.assets import monthly_report
from assets.resources import resources_for
from tests.reports.conftest import MONTH  # the February report covers `envmon run`'s default window
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def report(february):  # tests/reports/conftest.py: built once for the report tests
    data_dir, instance, days = february["data_dir"], february["instance"], february["days"]
    result = dg.materialize(
        [monthly_report], partition_key=MONTH, resources=resources_for(str(data_dir)), instance=instance
    )
    meta = result.asset_materializations_for_node(monthly_report.op.name)[0].metadata
    return {
        "data_dir": data_dir,
        "days": days,
        "meta": meta,
        "instance": instance,
        "folder": DataPaths(data_dir).reports / MONTH,
    }


def test_the_window_is_envmon_runs_default(report):
    assert report["days"][0] == dt.date(2026, 2, 15) and len(report["days"]) == 14


def test_files_under_the_data_folder_and_xlsx_has_one_sheet_per_table(report):
    folder = report["folder"]
    html, xlsx = folder / f"envmon_report_{MONTH}.html", folder / f"envmon_report_{MONTH}.xlsx"
    assert html.exists() and xlsx.exists()
    csvs = sorted((folder / "csv").glob("*.csv"))
    tables = json.loads(json.dumps(report["meta"]["tables"].value))
    assert {p.stem for p in csvs} == set(tables)
    assert {"air_area", "air_area_ytd", "air_region", "air_station", "air_area_daily", "alerts"} <= set(tables)

    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert sorted(book.sheetnames) == sorted(tables)  # one sheet per table, nothing else
    for name in book.sheetnames:
        rows = list(book[name].iter_rows(values_only=True))
        frame = pl.read_csv(folder / "csv" / f"{name}.csv", infer_schema_length=0)
        assert list(rows[0]) == frame.columns, name
        assert len(rows) - 1 == frame.height == tables[name], name
    area = {r[0]: r for r in list(book["air_area"].iter_rows(values_only=True))[1:]}
    assert len(area) == 10  # the region's ten areas


def test_dagster_metadata_shows_every_chart_inline(report):
    charts_md = report["meta"]["charts"].value
    images = re.findall(r"!\[(\w+)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", charts_md)
    assert {name for name, _ in images} >= {"aqi_calendar", "pm25_trend", "o3_trend", "good_days"}
    assert all(len(b64) > 2000 for _, b64 in images)


def test_report_is_queued_once_to_the_joint_office(report):
    con = duckdb.connect(str(DataPaths(report["data_dir"]).warehouse), read_only=True)
    try:
        rows = con.execute(
            "SELECT d.recipient, m.subject, json_array_length(m.attachments) FROM alerts.deliveries d "
            "JOIN alerts.messages m USING (message_id) WHERE m.subject LIKE '%月报%'"
        ).fetchall()
    finally:
        con.close()
    assert rows and all(n == 2 and "2026年2月" in subject for _, subject, n in rows)
    # a re-run with the same data queues nothing new
    again = dg.materialize(
        [monthly_report],
        partition_key=MONTH,
        resources=resources_for(str(report["data_dir"])),
        instance=report["instance"],
    )
    assert again.asset_materializations_for_node(monthly_report.op.name)[0].metadata["emails_queued"].value == 0


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless check needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)"
)
def test_report_opens_in_headless_chromium_with_charts_and_no_broken_image(report, tmp_path):
    html = report["folder"] / f"envmon_report_{MONTH}.html"
    # A copy with a probe that records, after load, each image's decoded size (0 x 0 = broken) into the DOM.
    probe = tmp_path / "probe.html"
    probe.write_text(
        html.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>addEventListener('load',()=>{document.body.setAttribute('data-images',JSON.stringify("
            "[...document.images].map(i=>[i.alt,i.complete,i.naturalWidth,i.naturalHeight])))})</script></body>",
        ),
        encoding="utf-8",
    )
    dom = _chromium("--virtual-time-budget=10000", "--dump-dom", probe.as_uri(), profile=tmp_path / "p1")
    found = re.search(r'data-images="([^"]*)"', dom.stdout)
    assert found, f"no probe result; chromium said: {dom.stderr[-2000:]}"
    images = json.loads(found.group(1).replace("&quot;", '"'))
    assert len(images) >= 4
    broken = [alt for alt, complete, w, h in images if not (complete and w > 100 and h > 100)]
    assert broken == []

    shot = tmp_path / "report.png"
    _chromium("--window-size=1280,5000", f"--screenshot={shot}", html.as_uri(), profile=tmp_path / "p2")
    assert shot.exists(), "chromium took no screenshot"
    shutil.copy(shot, report["folder"] / "screenshot_test.png")  # kept beside the report for a person to look at
    pixels = (mpimg.imread(shot)[..., :3] * 255).round().astype(int)
    # The calendar's cells are painted in the AQI level colours of seeds.aqi_levels: they must be on the page.
    levels = pl.read_csv(Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds" / "aqi_levels.csv")
    painted = 0
    for hex_color in levels["color_hex"]:
        rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
        painted += int((np.abs(pixels - rgb).sum(axis=-1) <= 12).sum())
    assert painted > 2000, "no AQI-level colours on the rendered page: the calendar did not render"
