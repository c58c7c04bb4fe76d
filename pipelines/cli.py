"""``envmon``: the command line of the pipeline (also ``python -m pipelines``)."""

import argparse
import sys

import pipelines  # noqa: F401  (data folder and DAGSTER_HOME defaults)
from pipelines.commands import backup as backup_cmd
from pipelines.commands import deliver as deliver_cmd
from pipelines.commands import ingest as ingest_cmd
from pipelines.commands import instance as instance_cmd
from pipelines.commands import query as query_cmd
from pipelines.commands import report as report_cmd
from pipelines.commands import run as run_cmd

COMMANDS = {"run": run_cmd, "ingest": ingest_cmd, "query": query_cmd, "report": report_cmd, "deliver": deliver_cmd,
            "instance": instance_cmd, "backup": backup_cmd}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="envmon",
        description="Joint environmental monitoring pipeline of South Sichuan & West Chongqing (川南渝西).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].main(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear message for people; the traceback is in the Dagster run logs
        if getattr(args, "debug", False):
            raise
        print(f"envmon {args.command}: error: {exc}", file=sys.stderr)
        return 1
