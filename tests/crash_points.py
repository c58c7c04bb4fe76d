"""Run the real ``envmon`` command line with one function made to stop at a chosen point, so that a test can kill
the process there (kill -9) deterministically, without any test hook in the project's code:

    python -m tests.crash_points MARKER MODULE:FUNCTION[:ARG] -- ingest FILE...

The named function runs normally until its first call (with ``ARG`` as its second argument, when given); that
call writes ``MARKER`` and then blocks until the process is killed. ``MODULE:FUNCTION`` is patched where the code
under test looks it up (the module that imported it)."""

import importlib
import sys
import time
from pathlib import Path


def stop_at(marker: Path, module: str, function: str, arg: str | None, before: bool) -> None:
    target = importlib.import_module(module)
    original = getattr(target, function)

    def stopping(*args, **kwargs):
        if arg is not None and (len(args) < 2 or args[1] != arg):
            return original(*args, **kwargs)
        if not before:
            original(*args, **kwargs)
        marker.write_text(f"{module}:{function} {'before' if before else 'after'}\n")
        while True:  # until kill -9
            time.sleep(60)

    setattr(target, function, stopping)


def main(argv: list[str]) -> int:
    marker, point, _, *command = argv
    module, function, *rest = point.split(":")
    before = function.startswith("^")  # ^name: stop before the call instead of after it
    stop_at(Path(marker), module, function.lstrip("^"), rest[0] if rest else None, before)
    from pipelines.cli import main as envmon

    return envmon(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
