"""Which kind of deployment this process serves: ``ENVMON_DEPLOYMENT`` = ``local`` (default) or ``production``.

A production deployment (deploy/, docs/deployment.md) runs the schedules with nobody at a terminal, so they are on
by default there; on a workstation (`make run`, `make ui`) they stay off until someone turns them on in the UI.
Either way operators can stop or start each one in the UI: the default only applies while nobody has.
"""

import os
from collections.abc import Mapping

import dagster as dg

DEPLOYMENTS = ("local", "production")


def deployment(environ: Mapping[str, str] = os.environ) -> str:
    value = (environ.get("ENVMON_DEPLOYMENT") or "local").strip().lower()
    if value not in DEPLOYMENTS:
        raise ValueError(f"ENVMON_DEPLOYMENT={value!r}: expected one of {', '.join(DEPLOYMENTS)}")
    return value


def is_production() -> bool:
    return deployment() == "production"


def schedule_status() -> dg.DefaultScheduleStatus:
    """The default status of every schedule of the code location."""
    return dg.DefaultScheduleStatus.RUNNING if is_production() else dg.DefaultScheduleStatus.STOPPED
