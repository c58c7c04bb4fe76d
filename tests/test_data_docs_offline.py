"""Data Docs offline: every CDN resource of GX's page templates has a vendored copy with its licence, and the pages
GX writes (air batches, a monitoring-centre file) load nothing from the network and find every local file."""

import re
from pathlib import Path

import great_expectations
import pytest

from assets.quality.data_docs_offline import (
    SITE_VENDOR,
    VENDOR_DIR,
    install_vendor,
    manifest,
    remote_resources,
    replacements,
    rewrite_page,
)
from assets.quality.vendor_data_docs import package_of
from tests.data_docs_site import DAYS, build_site

GX_VIEW = Path(great_expectations.__file__).parent / "render" / "view"
LOCAL_REF = re.compile(r'<(?:script|img)\b[^>]*\bsrc="([^"#:?]+)[^"]*"|<link\b[^>]*\bhref="([^"#:?]+)[^"]*"')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("docs") / "data")


def test_every_cdn_resource_of_gx_templates_has_a_vendored_copy():
    """Fails when a GX upgrade changes its CDN links: then add them to manifest.json and `make data-docs-assets`."""
    sources = [*GX_VIEW.joinpath("templates").glob("*.j2"), *GX_VIEW.joinpath("static", "styles").glob("*.css")]
    known = [url for url, _ in replacements()]
    found = {url for path in sources for url in remote_resources(path.read_text(encoding="utf-8"))}
    assert found, "the pattern no longer finds GX's CDN links"
    missing = sorted(url for url in found if not any(url.startswith(k) for k in known))
    assert missing == []


def test_vendored_files_are_there_with_their_licences():
    files = [entry["file"] for entry in manifest()["files"]]
    assert [f for f in files if not (VENDOR_DIR / f).is_file()] == []
    for package in {package_of(f) for f in files}:
        assert list((VENDOR_DIR / package).glob("LICEN[CS]E*")), f"{package}: no licence vendored"
        assert (VENDOR_DIR / package / "VERSION").exists()
    for css in VENDOR_DIR.rglob("*.css"):  # fonts and images a stylesheet loads are vendored too
        for ref in re.findall(r"url\(['\"]?([^)'\"]+)", css.read_text(encoding="utf-8")):
            if not ref.startswith(("data:", "#")):
                assert not ref.startswith("http"), f"{css}: loads {ref}"
                assert (css.parent / ref.split("?")[0].split("#")[0]).resolve().is_file(), f"{css}: {ref} missing"


def test_rewrite_points_at_the_vendored_copy_relative_to_the_page():
    html = (
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>'
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js" '
        'integrity="sha384-x" crossorigin="anonymous"></script>'
    )
    deep = rewrite_page(html, "validations/air_hourly/run/20260101T000000Z/batch.html")
    assert '<script src="../../../../static/vendor/jquery/dist/jquery.min.js"></script>' in deep
    assert "integrity" not in deep and "crossorigin" not in deep  # a file:// page cannot satisfy SRI's CORS
    assert 'src="static/vendor/jquery/dist/jquery.min.js"' in rewrite_page(html, "index.html")
    assert remote_resources(deep) == [] and len(remote_resources(html)) == 2
    favicon = '<link rel="icon" href="../../../static/images/favicon.ico">'  # GX counts one level too few
    assert 'href="../../../../static/images/favicon.ico"' in rewrite_page(favicon, "validations/a/b/c/d.html")


def test_install_is_skipped_when_current_and_redone_when_not(tmp_path):
    target = install_vendor(tmp_path)
    assert target == tmp_path.joinpath(*SITE_VENDOR) and (target / "jquery" / "dist" / "jquery.min.js").exists()
    (target / "jquery" / "dist" / "jquery.min.js").unlink()
    install_vendor(tmp_path)  # the stamp says current: untouched
    assert not (target / "jquery" / "dist" / "jquery.min.js").exists()
    (target / ".envmon-vendor").write_text("old")
    install_vendor(tmp_path)
    assert (target / "jquery" / "dist" / "jquery.min.js").exists()


def test_the_site_loads_nothing_remote_and_finds_every_local_file(site):
    pages = sorted(site.rglob("*.html"))
    validations = [p for p in pages if "validations" in p.parts]
    assert len(validations) == len(DAYS) + 1  # two air batches and the river file
    assert any("water_readings-file-" in str(p) for p in validations)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert remote_resources(html) == [], page
        for match in LOCAL_REF.finditer(html):
            ref = next(g for g in match.groups() if g)
            assert (page.parent / ref).resolve().is_file(), f"{page.relative_to(site)}: {ref} not found"
    assert not list(site.rglob("*.partial"))  # every page was swapped in whole


def test_the_index_lists_every_validation_run(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for day in DAYS:
        assert f"air_hourly-{day.isoformat()}" in index
    assert "water_readings-file-" in index
