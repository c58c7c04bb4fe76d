"""The automation sensor: where the daemon runs (``make ui``, a deployment), it re-derives the partitions
downstream of every change (the daily job, a landing-folder file, a late batch, a UI backfill), through the
conditions of ``assets/automation.py``. It is on by default; several partitions at once become a backfill, which
runs in as few runs as the assets' backfill policy allows."""

import dagster as dg

propagation_sensor = dg.AutomationConditionSensorDefinition(
    "propagation_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Re-derives marts, alerts and the published snapshot for exactly the days whose data changed.",
)
