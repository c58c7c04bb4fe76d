"""A status page after a short generator run, served on 127.0.0.1 by ``status_page.serve`` in a thread."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest

from status_page.serve import make_server
from tests.pipeline_runs import day_range, run_windows
from tests.session_builds import built_once


def three_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of a generator run of three days (the November 2025 episode of seed 2023: warnings in
    force), its page written by the publish step; built once per test invocation for the files that read it
    (``tests/session_builds.py``). Never write into it: a file that does works on ``copy_of`` it."""
    build = lambda folder: run_windows(folder / "data", [day_range("2025-11-04", 3)])  # noqa: E731
    return built_once(tmp_path_factory, "status-three-days", build) / "data"


@contextlib.contextmanager
def served(folder: Path, port: int = 0):
    """The folder's page on 127.0.0.1 (a free port unless ``port``); yields the base URL."""
    server = make_server(folder, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


# For each area: a point well inside its shape (the centre of its box when inside, else the first grid point whose
# neighbours are all inside), drawn with the stations, sections and labels hidden, and the canvas pixel there.
AREA_PIXELS_JS = """
() => {
  const chart = window.statusChart;
  chart.setOption({ geo: { label: { show: false } },
                    series: [{ id: "stations", data: [] }, { id: "sections", data: [] }] });
  const cs = chart.getModel().getComponent("geo").coordinateSystem;
  const canvas = chart.getDom().querySelector("canvas");
  const ctx = canvas.getContext("2d");
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  const out = {};
  for (const region of cs.regions) {
    const box = region.getBoundingRect();
    const step = Math.min(box.width, box.height) / 40;
    const inside = ([x, y]) => [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1], [1, -1], [-1, 1]]
      .every(([dx, dy]) => region.contain([x + 2 * dx * step, y + 2 * dy * step]));
    let point = region.getCenter();
    for (let i = 1; i < 20 && !inside(point); i++)
      for (let j = 1; j < 20 && !inside(point); j++)
        point = [box.x + box.width * i / 20, box.y + box.height * j / 20];
    const [px, py] = cs.dataToPoint(point);
    const [r, g, b] = ctx.getImageData(Math.round(px * ratio), Math.round(py * ratio), 1, 1).data;
    out[region.name] = "#" + [r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("").toUpperCase();
  }
  return out;
}
"""
