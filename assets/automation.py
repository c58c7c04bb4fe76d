"""When partitioned assets re-derive themselves: declarative automation, evaluated by Dagster alone: by the
automation sensor (``sensors/propagation.py``) where the daemon runs, and after in-process runs by
``pipelines/propagation.py`` (``dg.evaluate_automation_conditions`` of these same conditions, with its own cursor).

A model, the alerts and the published snapshot are re-derived for exactly the partitions whose upstream data
changed since they were last built, through the partition mappings of their dependencies (a look-back maps day D
to D and the days after it). Propagation re-derives the days that exist; a day enters the models and the alerts
with the daily run that brings its data (the schedule, ``envmon run``, a backfill), so that a day is never
evaluated before its data are in. Reference data (seeds, models of seeds) changing trigger nothing: the history
is rebuilt on purpose, with ``envmon run --full-refresh``.
"""

import dagster as dg

# Reference data: the seeds and the models built from seeds only (tagged so by their assets).
REFERENCE_TAGS = {"envmon/role": "reference"}
REFERENCE = dg.AssetSelection.tag("envmon/role", "reference")

changed_upstream = (
    dg.AutomationCondition.any_deps_updated().ignore(REFERENCE).since_last_handled()
    & ~dg.AutomationCondition.missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("upstream data of a built day changed")
