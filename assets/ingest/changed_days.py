"""Partitions of a staging asset that a run changed beyond its own days: late readings in a day's batch (or a day's
batch taking back a late reading it brought before), and every day of a monitoring-centre file. They are reported
to Dagster as materializations of those partitions, so that their marts and alerts are re-derived too (the
automation sensor and ``pipelines/propagation.py`` follow them). A staging partition D means "the readings of
natural day D", whichever batch or file brought them."""

import datetime as dt
from collections.abc import Iterator

import dagster as dg

from assets.partitions import DAILY_START


def changed_day_materializations(
    key: dg.AssetKey, run_days: list[dt.date], changed_by: dict[str, list[dt.date]]
) -> Iterator[dg.AssetMaterialization]:
    """``changed_by``: who changed them (a batch, a file) -> the natural days it changed."""
    inside, first = set(run_days), dt.date.fromisoformat(DAILY_START)  # nothing is partitioned before the start
    days: dict[dt.date, list[str]] = {}
    for label, changed in changed_by.items():
        for day in changed:
            if day not in inside and day >= first:
                days.setdefault(day, []).append(label)
    for day, labels in sorted(days.items()):
        yield dg.AssetMaterialization(
            asset_key=key,
            partition=day.isoformat(),
            description=f"readings of {day} changed by {', '.join(labels)}",
            metadata={"changed_by": ", ".join(labels)},
        )
