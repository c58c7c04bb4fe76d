"""Runs whose process died (kill -9, OOM, power cut, full disk) are marked failed and their pool slots freed.

A process killed in the middle of a Dagster step never reports the end of its run: the run stays STARTED and keeps
its slot in the ``duckdb_writer`` pool, and every later run waits for that slot forever. Two things clean up:

- the daemon's run monitoring (``run_monitoring`` in ``pipelines/dagster.yaml``) for runs that the daemon launched
  (``make ui``): start and cancel timeouts, a maximum run time, and slots of finished runs freed after a minute;
- this module, called by ``envmon`` before every command, for the runs the CLI executes in its own process, which
  no daemon watches. A STARTED run of this instance is stale when the process that executes it is gone: Dagster's
  executors record that process's pid in an engine event when the run starts ("Executing steps in process (pid:
  N)"). A pid that now belongs to a process started after the run is a reused pid, i.e. also gone. The instance
  lives in the data folder, so its runs execute on this machine.

The stale run is reported failed (the run-failure sensor e-mails data operations as for any failure) with a message
naming its process, and every slot it holds or waits for is freed. Slots held by runs that already finished (or no
longer exist) and whose process is gone are freed too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.dagster_home import dagster_home

ORPHAN_GRACE_SECONDS = 60.0  # a finished run without a recorded pid: free its slots only after this long
FINISHED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


@dataclass(frozen=True)
class StaleRun:
    run_id: str
    job_name: str
    partition: str | None
    pid: int | None
    freed_slots: list[str]

    @property
    def message(self) -> str:
        where = f" (partition {self.partition})" if self.partition else ""
        pools = f"; freed its slot(s) in pool {', '.join(sorted(set(self.freed_slots)))}" if self.freed_slots else ""
        return (
            f"run {self.run_id} of {self.job_name}{where} was STARTED by process {self.pid}, which is gone "
            f"(killed or crashed): marked failed{pools}"
        )


def process_alive(pid: int, not_started_after: float | None = None) -> bool:
    """Whether ``pid`` is a live process that started no later than ``not_started_after`` (POSIX time)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        pass
    stat = _proc_stat(pid)
    if stat is None:  # not Linux (no /proc): trust kill(0)
        return True
    state, started = stat
    if state in ("Z", "X"):  # a zombie is dead, only not yet reaped by its parent
        return False
    return not_started_after is None or started is None or started <= not_started_after + 2.0  # btime: whole seconds


def run_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid of the process that executes the run, from the first engine event that records one."""
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.engine_event_data if entry.dagster_event else None
        pid = (data.metadata or {}).get("pid") if data else None
        if pid is not None:
            try:
                return int(getattr(pid, "value", pid))
            except (TypeError, ValueError):
                continue
    return None


def recover_stale_runs(
    instance: dg.DagsterInstance, alive: Callable[[int, float | None], bool] = process_alive
) -> list[StaleRun]:
    """Mark failed every STARTED run whose process is gone, and free the pool slots of dead runs."""
    stale: list[StaleRun] = []
    holders = _slot_holders(instance)
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])):
        run = record.dagster_run
        pid = run_pid(instance, run.run_id)
        if pid is None or alive(pid, record.start_time):
            continue  # no pid yet: the run is still starting (it holds no slot before its executor starts)
        found = StaleRun(run.run_id, run.job_name, _partition(run.tags), pid, holders.pop(run.run_id, []))
        instance.report_run_failed(run, found.message)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        stale.append(found)
    for run_id, _pools in holders.items():
        record = next(iter(instance.get_run_records(filters=dg.RunsFilter(run_ids=[run_id]), limit=1)), None)
        if record is None or _finished_and_gone(instance, record, alive):
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    return stale


def check_instance(home: Path | None = None) -> list[str]:
    """The messages for the stale runs of the project's instance; nothing (and no instance created) before the
    first run."""
    home = Path(home or dagster_home())
    if not (home / "dagster.yaml").exists():
        return []
    from pipelines.instance import get_instance

    instance = get_instance()
    try:
        return [s.message for s in recover_stale_runs(instance)]
    finally:
        instance.dispose()


def _partition(tags) -> str | None:
    """The run's partition, or its range (a single-run backfill over a window)."""
    if tags.get("dagster/partition"):
        return tags["dagster/partition"]
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if not (start and end):
        return None
    return start if start == end else f"{start}..{end}"


def _slot_holders(instance: dg.DagsterInstance) -> dict[str, list[str]]:
    """run id -> pools it holds a slot of or waits in."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return {}
    holders: dict[str, list[str]] = {}
    for key, info in storage.get_concurrency_infos(sorted(storage.get_concurrency_keys())).items():
        for slot in info.claimed_slots:
            holders.setdefault(slot.run_id, []).append(key)
        for step in info.pending_steps:
            holders.setdefault(step.run_id, [])
    return holders


def _finished_and_gone(instance: dg.DagsterInstance, record, alive) -> bool:
    if record.dagster_run.status not in FINISHED:
        return False
    pid = run_pid(instance, record.dagster_run.run_id)
    if pid is not None:
        return not alive(pid, record.start_time)
    return record.end_time is not None and time.time() - record.end_time > ORPHAN_GRACE_SECONDS


def _proc_stat(pid: int) -> tuple[str, float | None] | None:
    """(state, start time as POSIX time) from /proc, or None where there is no /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ("X", None) if Path("/proc/self/stat").exists() else None
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) ": comm may hold spaces
    state, ticks = fields[0], int(fields[19])  # fields 3 and 22 of proc(5)
    try:
        boot = next(
            int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime")
        )
    except (OSError, StopIteration, ValueError):
        return state, None
    return state, boot + ticks / os.sysconf("SC_CLK_TCK")
