"""``envmon``: the command line of the pipeline (also ``python -m pipelines``).

Only the module of the command given is imported (plus all of them for ``envmon --help`` or an unknown command):
``envmon query`` must not pay for the Dagster imports of ``envmon run`` (``tests/test_query_fast_path.py``).
"""

import argparse
import importlib
import sys

from pipelines.commands.usage import UsageError
from pipelines.error_messages import describe
from pipelines.instance_errors import instance_problem

COMMANDS = {
    name: f"pipelines.commands.{name}"
    for name in (
        "run",
        "ingest",
        "query",
        "export",
        "report",
        "deliver",
        "instance",
        "backup",
        "ack",
        "exclude",
        "status",
        "serve",
    )
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``only`` (enough to parse a command line that names it)."""
    parser = argparse.ArgumentParser(
        prog="envmon",
        description="Joint environmental monitoring pipeline of South Sichuan & West Chongqing (川南渝西).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        if only in (None, name):
            importlib.import_module(module).add_parser(sub)
    return parser


def recover_stale_runs() -> None:
    """Runs left STARTED by a killed ``envmon`` process: marked failed and their pool slots freed, before anything
    else, so that a crash never blocks the next command (``pipelines/stale_runs.py``)."""
    from pipelines.stale_runs import check_instance  # imports Dagster: only for the commands that use the instance

    try:
        messages = check_instance()
    except Exception as exc:  # a full disk does not stop the command here; an unusable instance would, so it says so
        if instance_problem(exc):
            raise
        print(f"envmon: warning: could not check for stale runs: {describe(exc)}", file=sys.stderr)
        return
    for message in messages:
        print(f"envmon: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv and argv[0] in COMMANDS else None).parse_args(argv)
    command = importlib.import_module(COMMANDS[args.command])
    try:
        if hasattr(command, "validate"):  # options that cannot work stop here, before any run
            command.validate(args)
        if getattr(command, "NEEDS_INSTANCE", True):
            recover_stale_runs()
        return command.main(args)
    except KeyboardInterrupt:
        return 130
    except UsageError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"envmon {args.command}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear message for people; the traceback is in the Dagster run logs
        if getattr(args, "debug", False):
            raise
        print(f"envmon {args.command}: error: {describe(exc)}", file=sys.stderr)
        return 1
