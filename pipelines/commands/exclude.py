"""``envmon exclude``: mark station-days or area-days as affected by an exceptional event (例外事件), with the
reason and who approved it; ``envmon exclude --list`` shows the events.

The event is appended to the exceptional-event file (``ENVMON_EXCEPTIONAL_EVENTS``, default
``<data folder>/exceptional_events.csv``, created from the seed on first use; the code tree is never written: back
the file up, it is the record of what was approved). An event may not reach past today (it is approved after the
fact) and its last day may not come before its first. Then the seed
and the statistics of the days built so far are rebuilt at once (one run of the daily job's models per month at
most, then the snapshot), so that the attainment with and without the events (``marts.air_exceptional_attainment``,
``marts.air_composite_index``) is current. Nothing is deleted: the hourly and daily data stay as measured.
"""

import datetime as dt
import sys

from assets.air.exceptional_events import (
    EVENT_TYPES,
    append_event,
    ensure_events_file,
    events_path,
    known_codes,
    load_events,
    next_event_id,
    row_problem,
)
from assets.clock import now_cst
from assets.settings import EnvmonSettings
from pipelines.commands.usage import UsageError
from pipelines.instance import get_instance
from warehouse.paths import DataPaths


def add_parser(sub) -> None:
    p = sub.add_parser(
        "exclude", help="mark station-days or area-days as an exceptional event (例外事件), or list them"
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--station", help="station code (the station's days only)")
    where.add_argument("--area", help="area, e.g. 荣昌 (the area's days and its stations')")
    p.add_argument("--from", dest="first_day", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="last_day", type=dt.date.fromisoformat, help="last day (default: the first day)")
    p.add_argument("--type", dest="event_type", choices=list(EVENT_TYPES), help="kind of event")
    p.add_argument("--pollutants", default="all", help="the pollutants affected: all (default) or e.g. PM10,PM2.5")
    p.add_argument("--reason", help="why the days are set aside (as approved)")
    p.add_argument("--approved-by", help="who approved the exclusion")
    p.add_argument("--approved-on", type=dt.date.fromisoformat, help="date of the approval (default today)")
    p.add_argument("--reference", default="", help="document number or link of the approval")
    p.add_argument("--list", action="store_true", help="list the events of the file and do nothing else")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def validate(args) -> None:
    if args.list:
        return
    missing = [
        flag
        for flag, value in (
            ("--station or --area", args.station or args.area),
            ("--from", args.first_day),
            ("--type", args.event_type),
            ("--reason", args.reason),
            ("--approved-by", args.approved_by),
        )
        if not value
    ]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (or use --list)")


def main(args) -> int:
    settings = EnvmonSettings.from_env()
    stations, areas = known_codes(settings.stations_csv)
    path = ensure_events_file(events_path(settings.exceptional_events_csv, settings.data_dir))
    events = load_events(path, stations, areas)
    if args.list:
        print(events.write_csv() if events.height else f"no exceptional event in {path}")
        return 0
    event = {
        "event_id": next_event_id(events, args.first_day),
        "scope": "station" if args.station else "area",
        "code": args.station or args.area,
        "first_day": args.first_day,
        "last_day": args.last_day or args.first_day,
        "pollutants": args.pollutants.replace(",", ";"),
        "event_type": args.event_type,
        "reason": args.reason,
        "approved_by": args.approved_by,
        "approved_on": args.approved_on or now_cst().date(),
        "reference": args.reference,
    }
    text = {k: None if v is None else str(v) for k, v in event.items()}
    problem = row_problem(text, event, stations, areas) or future_problem(event, now_cst().date())
    if problem:
        raise UsageError(f"{problem[0]}: {problem[1]}")
    append_event(path, event)
    print(
        f"{event['event_id']}: {event['scope']} {event['code']} {event['first_day']} .. {event['last_day']} "
        f"({event['event_type']}, {event['pollutants']}) added to {path}"
    )
    return rebuild(event)


def future_problem(event: dict, today: dt.date) -> tuple[str, str] | None:
    """An exceptional event is approved after it happened: none of its dates may be after today (China time)."""
    for field, flag in (("first_day", "--from"), ("last_day", "--to"), ("approved_on", "--approved-on")):
        if event[field] > today:
            return field, f"{event[field]} ({flag}) is after today {today}: an event is set aside once it happened"
    return None


def rebuild(event: dict) -> int:
    """The seed, the models of seeds, and the partitioned models that read the events, for the event's days that
    have been built; then the snapshot."""
    import dagster as dg

    from pipelines.commands.day_chunks import chunks
    from pipelines.definitions import defs, snapshot
    from pipelines.runs import Runs, range_tags

    job = defs.resolve_job_def("daily_job")
    graph = job.asset_layer.asset_graph
    seed = dg.AssetKey(["seeds", "air_exceptional_events"])
    in_job = set(job.asset_layer.executable_asset_keys)
    selection = (dg.AssetSelection.assets(seed).downstream().resolve(graph) & in_job) | {snapshot.key}
    stats = dg.AssetKey(["intermediate", "air_period_stats"])
    instance = get_instance()
    built = set(instance.get_materialized_partitions(stats))
    span = (event["last_day"] - event["first_day"]).days + 1
    days = [d for d in (event["first_day"] + dt.timedelta(days=i) for i in range(span)) if d.isoformat() in built]
    if not days:
        # with what the reference models read (the station catalog...): in a data folder where nothing is built yet
        reference = {k for k in selection if graph.get(k).partitions_def is None}
        reference = {
            k
            for k in dg.AssetSelection.assets(*reference).upstream().resolve(graph) & in_job
            if graph.get(k).partitions_def is None
        }
        with Runs(instance, "exclude") as runs:
            runs.run(job, "reference data", sorted(reference))
        if not runs.failed:
            print("none of its days is built yet: they use the event when they are run (envmon run)")
    else:
        with Runs(instance, "exclude", defs=defs) as runs:
            for part in chunks(days, runs.days_per_run):
                runs.run(job, f"{part[0]} .. {part[-1]}", sorted(selection), range_tags(part))
            runs.propagate()
    for label, run_id, error in runs.failed:
        print(f"  FAILED {label}: {error}\n    run {run_id}: see it in the Dagster UI (make ui)", file=sys.stderr)
    if days and not runs.failed:
        print_effect(event)
    return 1 if runs.failed else 0


def print_effect(event: dict) -> None:
    import polars as pl

    from warehouse.query import run_query

    paths = DataPaths.from_env()
    rows = run_query(
        paths.snapshot,
        "SELECT scope, code, period_kind, period_start, event_ids, excluded_days, attain_all_with_events, "
        "attain_all_without_events, pm25_mean_with_events, pm25_mean_without_events "
        "FROM marts.air_exceptional_attainment WHERE period_kind IN ('month', 'year') "
        "ORDER BY scope DESC, code, period_kind, period_start",
    ).filter(pl.col("event_ids").str.contains(event["event_id"], literal=True))
    print(f"attainment with / without the events (marts.air_exceptional_attainment), {rows.height} period(s):")
    for r in rows.iter_rows(named=True):
        print(
            f"  {r['scope']} {r['code']} {r['period_kind']} {r['period_start']}: "
            f"{r['excluded_days']} day(s) set aside; "
            f"PM2.5 {r['pm25_mean_with_events']} -> {r['pm25_mean_without_events']}; "
            f"attains {_yes(r['attain_all_with_events'])} -> {_yes(r['attain_all_without_events'])}"
        )
    first = event["first_day"]
    print(f"rebuild the reports of those periods to show it: envmon report --month {first:%Y-%m} / --year {first:%Y}")


def _yes(value) -> str:
    return "—" if value is None else ("是 yes" if value else "否 no")
