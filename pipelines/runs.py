"""In-process runs (the command line, tests), with one progress bar of the steps done; after them, the runs that
Dagster's evaluation of the automation conditions requests for what their changes left to re-derive
(``pipelines/propagation.py``)."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import uuid

import dagster as dg
from tqdm import tqdm

from assets.partitions import days_per_run as catalog_days_per_run
from pipelines.propagation import propagate
from pipelines.run_groups import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from sensors.run_errors import failure_of

# Dagster's console log stays silent: a failed run is summed up in one line by the command (``failure_of``);
# ``--debug`` shows Dagster's errors with their tracebacks (DEBUG_LOGS).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
DEBUG_LOGS = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
STEP_DONE = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.STEP_SKIPPED}


def range_tags(days: list[dt.date]) -> dict[str, str]:
    return {ASSET_PARTITION_RANGE_START_TAG: days[0].isoformat(), ASSET_PARTITION_RANGE_END_TAG: days[-1].isoformat()}


class Runs:
    """The runs of one command: each is recorded in the instance; failures keep the failing step's own error.

    Given the definitions (``defs``), the runs propagate: entering first re-derives what earlier commands left
    (a crash during their propagation) and sets the evaluation's baseline, before any run of this command; then
    ``propagate()`` after the command's runs."""

    def __init__(
        self,
        instance: dg.DagsterInstance,
        desc: str,
        run_config: dict | None = None,
        days_per_run: int | None = None,
        defs: dg.Definitions | None = None,
    ):
        self.instance, self.defs = instance, defs
        self.days_per_run = days_per_run or catalog_days_per_run()  # the longest range of one run
        self.run_config = {**QUIET, **(run_config or {})}  # every run's, e.g. the command's resource config
        self.bar = tqdm(total=0, desc=desc, unit="step", file=sys.stderr)
        self.succeeded: list[str] = []  # run ids, in order
        self.failed: list[tuple[str, str, str]] = []  # (label, run id, error)

    def __enter__(self) -> Runs:
        if self.defs is not None:
            self.propagate()
            if left := len(self.succeeded) + len(self.failed):  # said: these runs are not the command's own
                self.bar.write(
                    f"envmon: {left} run(s) re-derived what earlier changes had left to re-derive (a command "
                    "interrupted during its propagation, or runs made outside envmon)",
                    file=sys.stderr,
                )
        return self

    def __exit__(self, *exc) -> None:
        self.bar.close()

    def run(self, job: dg.JobDefinition, label: str, asset_selection=None, tags=None, run_config=None):
        selection = set(asset_selection) if asset_selection else None
        self.bar.total += len((job.get_subset(asset_selection=selection) if selection else job).graph.node_defs)
        self.bar.set_postfix_str(label)
        run_id = str(uuid.uuid4())
        stop = threading.Event()
        watcher = threading.Thread(target=self._follow, args=(run_id, stop), daemon=True)
        watcher.start()
        try:
            result = job.execute_in_process(
                run_config={**self.run_config, **(run_config or {})},
                instance=self.instance,
                run_id=run_id,
                tags=tags,
                asset_selection=list(asset_selection) if asset_selection else None,
                raise_on_error=False,
            )
        finally:
            stop.set()
            watcher.join()
        if result.success:
            self.succeeded.append(run_id)
        else:
            self.failed.append((label, run_id, failure_of(self.instance, run_id)))
        return result

    def propagate(self) -> None:
        """Re-derive what the runs so far changed beyond what they re-derived themselves (the days after a re-run
        window that look back to it, the days of a file...): what Dagster's evaluation of the automation
        conditions requests. Call it after each run that changes data that an earlier run of the command derived
        from (a later window's late readings of an earlier one): one evaluation sees no order within its runs."""
        if self.defs is None:
            raise ValueError("Runs(defs=...) is needed to propagate: the definitions whose conditions are evaluated")
        if self.failed:  # a failed run (a corrupt warehouse, a blocking check) would fail its propagation too: the
            return  # cursor stays, and the next command's first evaluation (or the daemon) takes it up once fixed
        propagate(self, self.defs)

    def _follow(self, run_id: str, stop: threading.Event) -> None:
        """Advance the bar as the run's steps finish (read from the run's events, as the UI does)."""
        done = 0
        while True:
            finished = stop.wait(0.5)
            count = len(self.instance.all_logs(run_id, of_type=STEP_DONE))
            if count > done:
                self.bar.update(count - done)
                done = count
            if finished:
                return
