"""The operators' view: in the Dagster UI (its GraphQL API, served by a real dagster-webserver on the project's
workspace), the marts are daily-partitioned assets with the days of a run materialized, and the automation sensor
that propagates changes is on."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.cli import main as envmon

pytestmark = [pytest.mark.subprocess, pytest.mark.pipeline]

PROJECT = Path(__file__).resolve().parents[1]
QUERY = """{
  assetNodes(assetKeys: [{path: ["marts", "air_station_daily"]}, {path: ["intermediate", "air_period_stats"]}]) {
    assetKey { path } isPartitioned partitionDefinition { type } partitionStats { numMaterialized }
  }
  sensorsOrError(repositorySelector: {repositoryLocationName: "envmon", repositoryName: "__repository__"}) {
    ... on Sensors { results { name sensorState { status } } }
  }
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, timeout: float = 90) -> dict:
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/graphql",
                data=json.dumps({"query": query}).encode(),
                headers={"Content-Type": "application/json"},
            )
            body = json.loads(urllib.request.urlopen(request, timeout=10).read())
            if body.get("data", {}).get("assetNodes"):  # the code location has loaded
                return body["data"]
            last = body
        except OSError as exc:  # not listening yet
            last = exc
        time.sleep(1)
    raise AssertionError(f"no answer from the webserver in {timeout} s: {last}")


def test_the_ui_shows_the_marts_as_partitioned_assets_with_materialized_days(data_dir):
    assert envmon(["run", "--start", "2026-05-01", "--end", "2026-05-02"]) == 0
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        data = graphql(port, QUERY)
    finally:
        server.terminate()
        server.wait(timeout=30)
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    for key in ("marts/air_station_daily", "intermediate/air_period_stats"):
        assert nodes[key]["isPartitioned"] and nodes[key]["partitionDefinition"]["type"] == "TIME_WINDOW", key
        assert nodes[key]["partitionStats"]["numMaterialized"] == 2, key
    sensors = {s["name"]: s["sensorState"]["status"] for s in data["sensorsOrError"]["results"]}
    assert sensors["propagation_sensor"] == "RUNNING"
