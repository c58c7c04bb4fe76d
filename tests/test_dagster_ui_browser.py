"""The Dagster UI of a `make run` warehouse in a real browser: `make run` over two days, then `make ui` (dg dev),
then Debian's Chromium: the asset graph renders, an asset's partitions and checks are shown, the schedules and
sensors are listed. Screenshots: tests/artifacts/dagster_ui/."""

import os
import signal
import subprocess

import pytest

from tests.browser import artifacts, browser_page, need_chromium
from tests.deploy.services import Service, wait_for
from tests.deploy.units import PROJECT
from tests.smtp_server import free_port

pytestmark = [pytest.mark.subprocess, pytest.mark.server, pytest.mark.browser]

DAYS = ("2026-01-14", "2026-01-15")  # a short window keeps `make run` to seconds
LOADED = "{ workspaceOrError { ... on Workspace { locationEntries { locationOrLoadError { __typename } } } } }"


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    need_chromium()
    folder = tmp_path_factory.mktemp("ui")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENVMON_", "DAGSTER_", "MAKE"))}
    env |= {"ENVMON_DATA_DIR": str(folder / "data"), "ENVMON_GENERATOR_FAULT_RATE": "0.003"}
    run = subprocess.run(
        ["make", "-s", "run", f"ARGS=--start {DAYS[0]} --end {DAYS[1]}"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    port = free_port()
    service = Service("ui", ["make", "-s", "ui", f"UI_PORT={port}"], env, folder / "ui.log").start()
    try:
        from dagster_graphql import DagsterGraphQLClient

        def loaded():
            assert service.running, service.output()[-3000:]
            try:
                client = DagsterGraphQLClient("127.0.0.1", port_number=port, timeout=30)
                (entry,) = client._execute(LOADED)["workspaceOrError"]["locationEntries"]
            except Exception:  # not listening yet
                return False
            return entry["locationOrLoadError"]["__typename"] == "RepositoryLocation"

        wait_for(loaded, 180, "make ui serving the envmon code location")
        yield f"http://127.0.0.1:{port}"
    finally:
        service.stop(timeout=20, sig=signal.SIGINT)  # Ctrl-C, as a person stops `make ui`; then SIGKILL


def open_page(page, url: str, ready: str):
    page.goto(url)
    page.get_by_text(ready, exact=False).first.wait_for(timeout=60_000)
    skip = page.get_by_role("button", name="Skip")  # Dagster's first-visit newsletter dialog
    if skip.count():
        skip.first.click()


def test_asset_graph_partitions_checks_schedules_and_sensors(ui):
    shots = artifacts("dagster_ui")
    with browser_page() as page:
        open_page(page, f"{ui}/asset-groups", "publish")
        for group in ("air", "water", "marts", "alerts", "publish"):
            page.get_by_text(group, exact=True).first.wait_for()
        assert page.locator("svg path").count() > 10  # the edges between the groups are drawn
        page.screenshot(path=shots / "asset_graph.png")

        open_page(page, f"{ui}/assets/marts/air_station_daily?view=partitions", "Materialized")
        page.get_by_text("Materialized (2)").first.wait_for()  # the two days of `make run`, built as one run
        page.screenshot(path=shots / "air_station_daily_partitions.png")

        open_page(page, f"{ui}/assets/staging/air_hourly?view=checks", "batch_usable")
        page.get_by_text("data_capture_gb3095").first.wait_for()
        page.get_by_text("This is a blocking asset check").first.wait_for()
        page.screenshot(path=shots / "air_hourly_checks.png")

        open_page(page, f"{ui}/automation", "daily_job")
        for name in (
            "daily_job_schedule",
            "monthly_report_schedule",
            "annual_report_schedule",
            "water_landing_sensor",
            "alert_delivery_sensor",
            "run_failure_email_sensor",
            "propagation_sensor",
        ):
            page.get_by_text(name).first.wait_for()
        page.screenshot(path=shots / "automation.png")
