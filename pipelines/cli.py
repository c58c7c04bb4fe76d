"""``envmon``: the command line of the pipeline (also ``python -m pipelines``)."""

import argparse
import sys

import pipelines  # noqa: F401  (data folder and DAGSTER_HOME defaults)
from pipelines.commands import ack as ack_cmd
from pipelines.commands import backup as backup_cmd
from pipelines.commands import deliver as deliver_cmd
from pipelines.commands import exclude as exclude_cmd
from pipelines.commands import export as export_cmd
from pipelines.commands import ingest as ingest_cmd
from pipelines.commands import instance as instance_cmd
from pipelines.commands import query as query_cmd
from pipelines.commands import report as report_cmd
from pipelines.commands import run as run_cmd
from pipelines.commands.usage import UsageError
from pipelines.error_messages import describe
from pipelines.stale_runs import check_instance

COMMANDS = {
    "run": run_cmd,
    "ingest": ingest_cmd,
    "query": query_cmd,
    "export": export_cmd,
    "report": report_cmd,
    "deliver": deliver_cmd,
    "instance": instance_cmd,
    "backup": backup_cmd,
    "ack": ack_cmd,
    "exclude": exclude_cmd,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="envmon",
        description="Joint environmental monitoring pipeline of South Sichuan & West Chongqing (川南渝西).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for _name, module in COMMANDS.items():
        module.add_parser(sub)
    return parser


def recover_stale_runs() -> None:
    """Runs left STARTED by a killed ``envmon`` process: marked failed and their pool slots freed, before anything
    else, so that a crash never blocks the next command (``pipelines/stale_runs.py``)."""
    try:
        messages = check_instance()
    except Exception as exc:  # never stops a command (e.g. `envmon query` while the instance's disk is full)
        print(f"envmon: warning: could not check for stale runs: {describe(exc)}", file=sys.stderr)
        return
    for message in messages:
        print(f"envmon: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = COMMANDS[args.command]
    try:
        if hasattr(command, "validate"):  # options that cannot work stop here, before any run
            command.validate(args)
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
