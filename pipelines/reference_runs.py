"""A run of several days builds the reference data (seeds, models of seeds) in a run of its own, before the days.

Dagster records a run over a range of days as "planned" once per asset and day, and it does so for the unpartitioned
assets of the run too: with the 23 reference assets in it, a 14-day run recorded 322 planned events for tables that
are built once, a 365-day run 8,395 (and their checks a row per day). Each event is a write to the instance (a
SQLite transaction with its sync); the reference data built first in a run of their own are 23 events. Reference
data never trigger re-derivation (``assets/automation.py``), so building them in their own run changes nothing
else; a one-day run keeps them in (one planned event per asset either way, and one run fewer).
"""

import dagster as dg

from assets.automation import REFERENCE


def reference_and_dated(job: dg.JobDefinition) -> tuple[set[dg.AssetKey], set[dg.AssetKey]]:
    """The job's reference assets, and the others (the dated ones, and the published snapshot after them)."""
    keys = set(job.asset_layer.selected_asset_keys)
    reference = set(REFERENCE.resolve(job.asset_layer.asset_graph)) & keys
    return reference, keys - reference
