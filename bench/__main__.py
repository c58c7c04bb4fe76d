"""``python -m bench NAME [options]``: runs ``bench/NAME.py``'s ``main(argv)``. Each benchmark is one module."""

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in available():
        print(f"usage: python -m bench NAME [options]; NAME is one of: {', '.join(available()) or '(none yet)'}")
        return 2
    return importlib.import_module(f"bench.{argv[0]}").main(argv[1:]) or 0


raise SystemExit(main(sys.argv[1:]))
