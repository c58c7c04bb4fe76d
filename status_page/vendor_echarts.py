"""Refresh the vendored Apache ECharts from npm: ``python -m status_page.vendor_echarts [VERSION]`` (needs npm and
the npm registry; without VERSION, the latest release, ``npm view echarts version``).

Keeps ``dist/echarts.min.js`` with the package's LICENSE and NOTICE (Apache-2.0) and a VERSION file in
``status_page/vendor/echarts/``, as ``assets/quality/vendor_data_docs.py`` does for the Data Docs assets. Run by
hand, never at run time: the status page loads nothing but these files (offline intranets).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "vendor" / "echarts"
FILES = {"package/dist/echarts.min.js": "echarts.min.js", "package/LICENSE": "LICENSE", "package/NOTICE": "NOTICE"}


def refresh(version: str | None = None, npm: str = "npm") -> str:
    if version is None:
        version = subprocess.run([npm, "view", "echarts", "version"], check=True, capture_output=True, text=True)
        version = version.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="envmon-npm-") as tmp:
        subprocess.run([npm, "pack", f"echarts@{version}", "--silent"], cwd=tmp, check=True, capture_output=True)
        tarball = next(Path(tmp).glob("echarts-*.tgz"))
        new = VENDOR_DIR.with_name("echarts.new")
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir()
        with tarfile.open(tarball) as tar:
            for member, name in FILES.items():
                source = tar.extractfile(member)
                if source is None:
                    raise SystemExit(f"{tarball.name}: no {member}; the package layout changed, update FILES")
                (new / name).write_bytes(source.read())
        (new / "VERSION").write_text(version + "\n")
        shutil.rmtree(VENDOR_DIR, ignore_errors=True)
        new.replace(VENDOR_DIR)
    return version


if __name__ == "__main__":
    print(f"echarts {refresh(*sys.argv[1:2])} in {VENDOR_DIR}")
