"""``envmon ingest PATH...``: load monitoring-centre water files now, through the landing sensor's code path.

Each file is copied into <data>/landing/water/ (the original stays where it was) and loaded by one run of
``water_file_job``, exactly as if the sensor had picked it up: archived when loaded, moved to <data>/rejected/
with a reason when it cannot be used, skipped as a duplicate when the same content was loaded before. A copy of
the same file left in the landing folder by an interrupted ingest is taken instead of a second copy. Then the
days the files changed are re-derived at once, marts, river alerts (e-mails queued) and snapshot, as the
automation sensor does where the daemon runs. The command ends with the alerts its files raised, changed
(upgraded, downgraded, lifted) or retracted.
"""

import shutil
import sys
from pathlib import Path

from assets.clock import now_cst
from assets.ingest.files import BadFileError, check_limits
from assets.ingest.limits import InputLimits
from assets.ingest.symlinks import check_input
from assets.settings import EnvmonSettings
from assets.water.landing_scan import content_hash
from pipelines.instance import get_instance
from warehouse.paths import DataPaths


def add_parser(sub) -> None:
    p = sub.add_parser("ingest", help="load monitoring-centre water files (CSV/XLSX) now, as the landing sensor would")
    p.add_argument(
        "paths", nargs="+", type=Path, help="files in the national automatic-station layout (or English headers)"
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def stage_into_landing(path: Path, landing: Path) -> Path:
    check_input(path)  # a symbolic link (unless ENVMON_ALLOW_SYMLINKS allows it) is refused before it is read
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    # sizes (on disk, an XLSX's unpacked size) and the header's width before a byte is copied: BadFileError
    check_limits(path, InputLimits.from_settings(EnvmonSettings.from_env()))
    landing.mkdir(parents=True, exist_ok=True)
    if path.resolve().parent == landing.resolve():
        return path.resolve()
    target = landing / path.name
    n = 1
    while target.exists():
        if target.stat().st_size == path.stat().st_size and content_hash(target) == content_hash(path):
            return target  # left there by an interrupted ingest of this file: load (or finish) that one
        target = landing / f"{path.stem}.{n}{path.suffix}"
        n += 1
    tmp = landing / f".{target.name}.copying"  # hidden while copying: the sensor never sees a half-copied file
    shutil.copy2(path, tmp)  # keeps the modification time: the year hint of a yearless file (MM-DD HH:MM)
    tmp.rename(target)
    return target


def main(args) -> int:
    landing = DataPaths.from_env().landing / "water"
    staged, failed, days = [], 0, set()
    for original in args.paths:
        try:
            staged.append((original, stage_into_landing(original, landing)))
        except BadFileError as exc:  # over a limit: refused where it is, nothing copied
            print(f"FAILED {original}: {exc.reason} (not copied; the file stays where it is)", file=sys.stderr)
            failed += 1
    if not staged:
        return 1

    import dagster as dg  # loading takes seconds: only when needed

    from pipelines.definitions import defs
    from pipelines.runs import Runs

    started = now_cst()  # the alerts' state changes evaluated from now on are this command's
    water_marts = dg.AssetKey(["marts", "water_reading_class"])  # its partitions: the days built so far
    job = defs.resolve_job_def("water_file_job")
    with Runs(get_instance(), "ingest", defs=defs) as runs:
        for original, path in staged:
            result = runs.run(
                job,
                path.name,
                run_config={"ops": {"staging__water_files": {"config": {"paths": [str(path)]}}}},
                tags={"envmon/file": path.name, "envmon/started_by": "envmon ingest"},
            )
            metadata = _metadata(result)
            days |= set(metadata.get("days_changed", []))
            ok = result.success and metadata.get("rejected_files", 1) == 0
            failed += not ok
            table = metadata.get("files", "see run " + result.run_id + " in the Dagster UI (make ui)")
            print(f"{'ok' if ok else 'FAILED'} {original}:\n{table}\n", file=sys.stdout)
        runs.propagate()
    waiting = sorted(days - set(runs.instance.get_materialized_partitions(water_marts)))
    if waiting:  # propagation re-derives the days built so far; a new day enters with its daily run
        print(
            f"days not built yet: {', '.join(waiting)}: their readings reach the marts and the river alerts with "
            f"those days' daily run (envmon run --start {waiting[0]} --end {waiting[-1]})"
        )
    for label, run_id, error in runs.failed:
        print(f"FAILED {label}: {error}\n  run {run_id}: see it in the Dagster UI (make ui)", file=sys.stderr)
    from pipelines.commands.alert_summary import alert_outcome
    from pipelines.commands.problem_summary import after_runs

    print("\n".join(alert_outcome(started)))

    problems = after_runs([*runs.succeeded, *(run_id for _, run_id, _ in runs.failed)])
    if problems:
        print("\n".join(problems))
        _deliver()  # the problem e-mail goes out now, not with the next delivery pass
    return 1 if failed or runs.failed else 0


def _deliver() -> None:
    from assets.alerts.mail.delivery import deliver_pending
    from assets.alerts.mail.transport import SmtpSettings, transport_for
    from warehouse.connection import write_connection
    from warehouse.snapshot import ALERT_TABLES, publish_snapshot

    paths, smtp = DataPaths.from_env(), SmtpSettings.from_env()
    result = deliver_pending(
        lambda: write_connection(paths.warehouse), transport_for(smtp, paths.outbox), smtp.mail_from
    )
    if result.changed:  # staff see the queue in the snapshot
        publish_snapshot(paths.warehouse, paths.snapshot, verify=ALERT_TABLES)


def _metadata(result) -> dict:
    """The file asset's metadata: the per-file table and the count of rejected files."""
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        if mat.asset_key.path == ["staging", "water_files"]:
            return {k: v.value for k, v in mat.metadata.items()}
    return {}
