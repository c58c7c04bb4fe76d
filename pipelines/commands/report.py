"""``envmon report --month YYYY-MM | --year YYYY``: build the joint report of a past month or year and print its paths.

It runs the report's partition of the monthly/annual report job in-process, recorded in the project's Dagster
instance (the same run the schedule would make: files under <data>/reports/<period>/, the e-mail to the joint
office queued and sent by the run's delivery pass).
"""

import argparse
import re

from pipelines.instance import get_instance
from warehouse.paths import DataPaths


# ArgumentTypeError: argparse prints its message (a ValueError would read "invalid _month value")
def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a month: give YYYY-MM with the month 01-12, e.g. 2026-10")
    return value


def _year(value: str) -> str:
    if not re.fullmatch(r"\d{4}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a year: give YYYY, e.g. 2025")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="build the joint monthly or annual report (HTML, CSV, XLSX) and print its paths")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", type=_month, help="a month that has ended, YYYY-MM")
    which.add_argument("--year", type=_year, help="a year that has ended, YYYY")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def main(args) -> int:
    from pipelines.definitions import defs  # loading takes seconds: only when needed

    label = args.month or args.year
    job = defs.resolve_job_def("monthly_report_job" if args.month else "annual_report_job")
    if label not in job.partitions_def.get_partition_keys(dynamic_partitions_store=None):
        raise ValueError(f"no report partition {label}: only months/years that have ended (from 2023) can be reported")
    result = job.execute_in_process(
        partition_key=label,
        instance=get_instance(),
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
        raise_on_error=False,
    )
    if not result.success:
        print(f"envmon report: the report run {result.run_id} failed: see it in the Dagster UI (make ui)")
        return 1
    folder = DataPaths.from_env().reports / label
    print(f"envmon report {label}: written to {folder}")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            print(f"  {path}")
    mail = {
        k: v.value
        for e in result.get_asset_materialization_events()
        for k, v in e.step_materialization_data.materialization.metadata.items()
        if k.startswith("emails_")
    }
    print(
        f"e-mail to the joint office: {mail.get('emails_queued', 0)} queued, {mail.get('emails_sent', 0)} sent now"
        + (
            f", {mail['emails_retrying']} to retry (the delivery sensor or envmon deliver)"
            if mail.get("emails_retrying")
            else ""
        )
    )
    return 0
