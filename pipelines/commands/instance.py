"""``envmon instance``: write ``$DAGSTER_HOME/dagster.yaml`` for this deployment and say where runs are stored.

The services of a production deployment run it before they start (deploy/systemd, deploy/docker-compose.yml), so
the instance always matches the repository's template and the ``ENVMON_DAGSTER_*`` settings.
"""

import os

from pipelines.deployment import deployment
from pipelines.instance import prepare_dagster_home
from pipelines.instance_config import describe_storage


def add_parser(sub) -> None:
    p = sub.add_parser("instance", help="write $DAGSTER_HOME/dagster.yaml (template + PostgreSQL settings)")
    p.add_argument(
        "--check",
        action="store_true",
        help="also open the instance: connects to PostgreSQL, creates or migrates its tables, counts runs",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def main(args) -> int:
    home = prepare_dagster_home()
    print(
        f"envmon instance: {home / 'dagster.yaml'} ({deployment()} deployment; runs, events and schedules in "
        f"{describe_storage(os.environ)})"
    )
    if args.check:
        from pipelines.instance import get_instance

        with get_instance() as instance:
            print(f"envmon instance: storage reachable, {instance.get_runs_count()} run(s) recorded")
    return 0
