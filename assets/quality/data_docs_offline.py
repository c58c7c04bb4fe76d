"""Data Docs that work offline: the pages' CSS, JavaScript and fonts come from the data folder, not from CDNs.

GX's page templates load Bootstrap, bootstrap-table, jQuery, Font Awesome, Vega... from public CDNs, which are
slow or blocked on government intranets; opened offline the pages are unstyled and the index, a bootstrap-table
filled by JavaScript, lists no runs. The same files, from the npm packages of the same versions, are vendored with
their licences in ``data_docs_assets/vendor/`` (``manifest.json`` maps each CDN URL to its file;
``vendor_data_docs.py`` refreshes them). When GX writes a page, ``gx_site_store`` passes it through
``rewrite_page``, which points those URLs at ``<site>/static/vendor/`` (relative to the page, so the site works
from ``file://``, a copy elsewhere or any web server), and ``install_vendor`` copies the files there.

No GX import here (plain logic, testable alone).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from functools import cache
from pathlib import Path, PurePosixPath

ASSETS_DIR = Path(__file__).parent / "data_docs_assets"
VENDOR_DIR = ASSETS_DIR / "vendor"
SITE_VENDOR = ("static", "vendor")  # inside the Data Docs site
STAMP = ".envmon-vendor"
# Subresource-integrity attributes: a file:// page cannot make the CORS request that SRI needs, and the files are
# now ours (their hashes are in package-lock.json)
SRI = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin="[^"]*")')
# what a page loads (not what it links to): stylesheets, scripts, images, CSS url()
LOADED_URL = re.compile(
    r'<(?:script|img)\b[^>]*\bsrc="(https?://[^"]+)"|<link\b[^>]*\bhref="(https?://[^"]+)"|url\([\'"]?(https?://[^)\'"]+)'
)
# a reference to the site's static folder, however many "../" GX put before it (its favicon template counts one
# level too few on validation pages)
STATIC_REF = re.compile(r'((?:src|href)=")(?:\./|(?:\.\./)+)?static/')


@cache
def manifest() -> dict:
    return json.loads((ASSETS_DIR / "manifest.json").read_text(encoding="utf-8"))


def replacements() -> list[tuple[str, str]]:
    """(CDN URL, path from the site root), longest URL first (an image folder prefix comes after its files)."""
    pairs = [
        (url, "/".join((*SITE_VENDOR, entry["file"]))) for entry in manifest()["files"] for url in entry.get("cdn", [])
    ]
    pairs += [(url, f"static/images/{name}") for url, name in manifest()["images"].items() if url.startswith("http")]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


def rewrite_page(html: str, page: str) -> str:
    """The page at ``page`` (its path inside the site, e.g. ``validations/air_hourly/.../x.html``) with its CDN
    resources pointed at the vendored copies, relative to the page."""
    up = "../" * (len(PurePosixPath(page.replace("\\", "/")).parts) - 1)
    for url, local in replacements():
        html = html.replace(url, up + local)
    html = STATIC_REF.sub(lambda m: m.group(1) + up + "static/", html)
    return SRI.sub("", html)


def remote_resources(html: str) -> list[str]:
    """The http(s) resources a page would still load (links to web sites are not resources)."""
    return sorted({next(g for g in m.groups() if g) for m in LOADED_URL.finditer(html)})


def vendor_digest() -> str:
    files = sorted(p for p in VENDOR_DIR.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(VENDOR_DIR).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@cache
def _digest() -> str:  # the vendored files do not change while a process runs
    return vendor_digest()


def install_vendor(site: Path) -> Path:
    """Copy the vendored files to ``<site>/static/vendor`` unless that copy is already current (a stamp file holds
    the digest). The new copy is built beside the old one and swapped in, so a page never sees half of it."""
    target = site.joinpath(*SITE_VENDOR)
    stamp = target / STAMP
    if stamp.exists() and stamp.read_text() == _digest():
        return target
    fresh = target.with_name("vendor.partial")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(VENDOR_DIR, fresh)
    (fresh / STAMP).write_text(_digest())
    old = target.with_name("vendor.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.replace(old)
    fresh.replace(target)
    shutil.rmtree(old, ignore_errors=True)
    return target
