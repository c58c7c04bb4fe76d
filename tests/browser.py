"""Debian's Chromium driven by Playwright (Python). Playwright cannot download its own browser here, so it starts
the system one (``executable_path``); ``--no-sandbox`` because CI runs as root. Screenshots are test artefacts in
``tests/artifacts/<name>/`` (git-ignored; CI keeps the folder)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def need_chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (make test installs Debian's chromium: .ci/system-packages)")
    return CHROMIUM


def artifacts(name: str) -> Path:
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@contextlib.contextmanager
def browser_page(offline: bool = False, width: int = 1440, height: int = 900):
    """A page in a fresh headless Chromium; ``offline`` cuts the network (file:// and loopback still load), and
    ``page.failed_requests`` collects every request that failed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(need_chromium()), args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, offline=offline)
            page = context.new_page()
            page.failed_requests = []
            page.on("requestfailed", lambda request: page.failed_requests.append(request.url))
            yield page
        finally:
            browser.close()
