"""The checks of ``envmon run``'s options, before any Dagster run is created (a run that could not work fails in a
second, with the fix, not after minutes with a traceback)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from assets.air.sources import AIR_SOURCE_NOTES, NEEDS_INPUT_FOLDER, NEEDS_INPUT_OR_URL, NEEDS_SECRET
from assets.catalog.stations import CatalogError, load_station_catalog
from assets.clock import DAILY_START, now_cst
from assets.demo import production_refusal
from assets.settings import EnvmonSettings, deployment
from pipelines.commands.usage import UsageError


def sources_help() -> str:
    width = max(map(len, AIR_SOURCE_NOTES))
    return "air sources (--source, or ENVMON_AIR_SOURCE):\n" + "\n".join(
        f"  {name:<{width}}  {note}" for name, note in AIR_SOURCE_NOTES.items()
    )


def check_options(args) -> None:
    """Raise a UsageError naming what is wrong and how to fix it."""
    if args.full_refresh and (args.start or args.end or args.source or args.input or args.stations or args.seed):
        raise UsageError(
            "--full-refresh rebuilds every built day from staging and takes no other option; "
            "run it alone: envmon run --full-refresh"
        )
    _check_window(args.start, args.end)
    try:  # the options over the ENVMON_* variables, as the runs will see them
        settings = EnvmonSettings.from_env(air_source=args.source, input_path=args.input, stations_csv=args.stations)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    source = settings.air_source
    if source not in AIR_SOURCE_NOTES:
        raise UsageError(
            f"unknown air source {source!r} (--source or ENVMON_AIR_SOURCE); known: "
            f"{', '.join(AIR_SOURCE_NOTES)} (envmon run --help says what each reads)"
        )
    try:  # the generator is a workstation's demo: never production's
        refusal = production_refusal(settings, deployment())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if refusal:
        raise UsageError(refusal)
    if settings.input_path:
        _check_input(Path(settings.input_path), folder=source in NEEDS_INPUT_FOLDER)
    elif source in NEEDS_INPUT_FOLDER:
        raise UsageError(
            f"the {source} source reads {AIR_SOURCE_NOTES[source].split(' in ')[-1]}: "
            "give the folder with --input FOLDER (or ENVMON_AIR_INPUT)"
        )
    elif source in NEEDS_INPUT_OR_URL and not os.environ.get(NEEDS_INPUT_OR_URL[source]):
        raise UsageError(f"the {source} source needs --input FILE|FOLDER or {NEEDS_INPUT_OR_URL[source]}")
    if source in NEEDS_SECRET and not os.environ.get(NEEDS_SECRET[source]):
        raise UsageError(f"the {source} source needs its key: set {NEEDS_SECRET[source]} (envmon.env)")
    if settings.stations_csv:
        try:
            load_station_catalog(settings.stations_csv)
        except CatalogError as exc:
            raise UsageError(f"--stations: {exc}") from None


def _check_window(start: dt.date | None, end: dt.date | None) -> None:
    yesterday = now_cst().date() - dt.timedelta(days=1)
    first = dt.date.fromisoformat(DAILY_START)
    for name, day in (("--start", start), ("--end", end)):
        if day and day > yesterday:
            raise UsageError(
                f"{name} {day} has not ended yet: a day is run once it is over (the latest is "
                f"{yesterday}, China Standard Time)"
            )
        if day and day < first:
            raise UsageError(f"{name} {day} is before the pipeline's first day {first}")
    if start and end and start > end:
        raise UsageError(f"--start {start} is after --end {end}")


def _check_input(path: Path, folder: bool) -> None:
    if not path.exists():
        raise UsageError(f"--input {path}: no such file or folder")
    if folder and not path.is_dir():
        raise UsageError(f"--input {path}: not a folder (this source reads a folder of files)")
    if path.is_dir() and not any(p.is_file() for p in path.iterdir()):
        raise UsageError(f"--input {path}: the folder is empty")
