"""Which kind of deployment this process serves: ``ENVMON_DEPLOYMENT`` = ``local`` (default) or ``production``.

A production deployment (deploy/, docs/deployment.md) runs the schedules with nobody at a terminal, so they are on
by default there; on a workstation (`make run`, `make ui`) they stay off until someone turns them on in the UI.
Either way operators can stop or start each one in the UI: the default only applies while nobody has. A production
run fed by the generator is refused (``assets/demo.py``).
"""

import dagster as dg

from assets.settings import DEPLOYMENTS, deployment  # noqa: F401  (read there: the resources refuse demo sources)


def is_production() -> bool:
    return deployment() == "production"


def schedule_status() -> dg.DefaultScheduleStatus:
    """The default status of every schedule of the code location."""
    return dg.DefaultScheduleStatus.RUNNING if is_production() else dg.DefaultScheduleStatus.STOPPED
