"""When partitioned assets re-derive themselves: declarative automation, evaluated by the automation sensor
(``sensors/propagation.py``) where the daemon runs, and by ``pipelines/propagation.py`` after in-process runs.

A model, the alerts and the published snapshot are re-derived for exactly the partitions whose upstream data
changed since they were last built, through the partition mappings of their dependencies (a look-back maps day D
to D and the days after it). Seeds do not count: a changed reference table (new breakpoints, a new catalog) means
the history must be rebuilt on purpose, with ``envmon run --full-refresh``.
"""

import dagster as dg

# Reference data: the seeds and the models built from seeds only (tagged so by their assets).
REFERENCE_TAGS = {"envmon/role": "reference"}
REFERENCE = dg.AssetSelection.tag("envmon/role", "reference")

changed_upstream = (
    dg.AutomationCondition.any_deps_updated().ignore(REFERENCE).since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("upstream data changed")

# The alerts of a day are evaluated first by the daily run that brings the day's data, in order; from then on
# every change re-evaluates them. A day not evaluated yet waits for its daily run (its data are not all in).
changed_upstream_of_evaluated_day = (
    changed_upstream & ~dg.AutomationCondition.missing()
).with_label("upstream data of an evaluated day changed")
