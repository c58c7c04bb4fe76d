"""Refresh the vendored Data Docs assets from npm: ``make data-docs-assets`` (needs npm and the npm registry).

``assets/quality/data_docs_assets/package.json`` and ``package-lock.json`` pin the npm packages of the libraries
that the GX pages load from CDNs (same versions, integrity hashes in the lock); ``manifest.json`` lists the files
the pages use. This copies those files and each package's licence into ``data_docs_assets/vendor/<package>/``.
A package that ships no licence file keeps the licence written by hand beside its files (``LICENSE``, naming
where its text comes from); the refresh refuses a package that has neither.
Run by hand when GX changes its CDN links (tests/test_data_docs_offline.py says when); never at run time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from assets.quality.data_docs_offline import ASSETS_DIR, VENDOR_DIR, manifest

LICENCE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING")


def package_of(file: str) -> str:
    parts = file.split("/")
    return "/".join(parts[:2]) if file.startswith("@") else parts[0]


def refresh(npm: str = "npm") -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory(prefix="envmon-npm-") as tmp:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(ASSETS_DIR / name, tmp)
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--legacy-peer-deps"], cwd=tmp, check=True
        )
        modules = Path(tmp) / "node_modules"
        wanted = [entry["file"] for entry in manifest()["files"]]
        new_vendor = VENDOR_DIR.with_name("vendor.new")
        shutil.rmtree(new_vendor, ignore_errors=True)
        for file in wanted:
            target = new_vendor / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(modules / file, target)
            written.append(target)
        for package in sorted({package_of(f) for f in wanted}):
            licences = [modules / package / n for n in LICENCE_NAMES if (modules / package / n).exists()]
            kept = VENDOR_DIR / package / "LICENSE"
            if licences:
                for licence in licences:
                    shutil.copyfile(licence, new_vendor / package / licence.name)
            elif kept.exists():  # written by hand: the npm package ships none
                shutil.copyfile(kept, new_vendor / package / "LICENSE")
            else:
                raise SystemExit(f"{package}: the npm package has no licence file; write {kept} by hand first")
            version = json.loads((modules / package / "package.json").read_text())["version"]
            (new_vendor / package / "VERSION").write_text(version + "\n")
        shutil.rmtree(VENDOR_DIR, ignore_errors=True)
        new_vendor.replace(VENDOR_DIR)
    return written


if __name__ == "__main__":
    files = refresh(*sys.argv[1:])
    print(f"{len(files)} files in {VENDOR_DIR.relative_to(ASSETS_DIR.parents[2])}")
