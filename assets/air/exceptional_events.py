"""Exceptional events (例外事件): station-days or area-days that an operator marks as affected by sand or dust, a
wildfire, fireworks where local rules say so, or another event, with the reason and who approved it.

HJ 663-2026 lets the assessment set such days aside (as US AQS does with its REQEXC flags and the EPA's
concurrence). The file is data, not code: ``<data folder>/exceptional_events.csv`` by default, or the path a
deployment names in ``ENVMON_EXCEPTIONAL_EVENTS`` (e.g. ``/etc/envmon/exceptional_events.csv``); on first use it is
created from the seed ``dbt_like_sql/seeds/air_exceptional_events.csv`` (the columns), which is never written, because
the code tree (``/opt/envmon``) is replaced by upgrades and not owned by the service user. ``envmon exclude`` appends
to the file. Nothing is deleted: the
hourly and daily data stay as measured, and the statistics are computed both with and without the excluded days
(``intermediate.air_period_stats``, basis ``all_days`` / ``excluding_events``).

An area-day also sets aside the days of the area's stations; a station-day only that station's. ``pollutants``
names the pollutants the event affects (``PM10;PM2.5`` for sand and dust) or ``all``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl

from assets.catalog.csv_catalog import read_catalog_csv, typed
from assets.catalog.stations import load_station_catalog

SEED_EVENTS = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds" / "air_exceptional_events.csv"
FILE_NAME = "exceptional_events.csv"  # in the data folder unless ENVMON_EXCEPTIONAL_EVENTS names another path
COLUMNS = (
    "event_id",
    "scope",
    "code",
    "first_day",
    "last_day",
    "pollutants",
    "event_type",
    "reason",
    "approved_by",
    "approved_on",
    "reference",
)
REQUIRED = COLUMNS[:-1]
SCOPES = ("station", "area")
EVENT_TYPES = {"sand_dust": "沙尘", "wildfire": "山火/野火", "fireworks": "烟花爆竹", "other": "其他"}
POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3")
SCHEMA = {c: pl.String for c in COLUMNS} | {"first_day": pl.Date, "last_day": pl.Date, "approved_on": pl.Date}


class EventFileError(ValueError):
    pass


def events_path(path: str | Path | None, data_dir: str | Path) -> Path:
    """The deployment's file (ENVMON_EXCEPTIONAL_EVENTS) or ``exceptional_events.csv`` in the data folder."""
    return Path(path) if path else Path(data_dir).resolve() / FILE_NAME


def ensure_events_file(path: Path) -> Path:
    """The file, created from the seed (its header) if it does not exist yet, atomically; never the seed itself."""
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, SEED_EVENTS.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise EventFileError(
            f"{path}: cannot create the exceptional-event file ({exc.strerror}); create it (copy {SEED_EVENTS}) "
            "where the service user may write, or set ENVMON_EXCEPTIONAL_EVENTS to such a path"
        ) from None
    return path


def load_events(path: Path, stations: set[str], areas: set[str]) -> pl.DataFrame:
    """Read and check the events file; an error names the file, the CSV line and the field."""
    raw = read_catalog_csv(path, REQUIRED, "exceptional-event file", EventFileError)
    raw = raw.with_columns(pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in raw.columns)
    raw = raw.select(pl.col(c).str.strip_chars().replace("", None) for c in COLUMNS)
    frame = raw.select(typed(c, t) for c, t in SCHEMA.items())
    for line, (row, typed_row) in enumerate(zip(raw.iter_rows(named=True), frame.iter_rows(named=True)), start=2):
        problem = row_problem(row, typed_row, stations, areas)
        if problem:
            field, what = problem
            raise EventFileError(f"{path}, line {line}, field {field}: {what}")
    dupes = frame.filter(pl.col("event_id").is_duplicated())["event_id"].unique().to_list()
    if dupes:
        raise EventFileError(f"{path}, field event_id: used more than once: {', '.join(dupes)}")
    return frame.with_columns(pollutants=pl.col("pollutants").str.replace_all(r"\s", "").str.replace_all(",", ";"))


def row_problem(row: dict, typed_row: dict, stations: set[str], areas: set[str]) -> tuple[str, str] | None:
    """(field, what is wrong) of one event, or None."""
    for field in REQUIRED:
        if not row[field]:
            return field, "empty (every event needs an id, its days, pollutants, type, reason and who approved it)"
    if row["scope"] not in SCOPES:
        return "scope", f"{row['scope']!r}: expected station or area"
    known = stations if row["scope"] == "station" else areas
    if row["code"] not in known:
        return "code", f"{row['code']!r} is no {row['scope']} of the catalog"
    for field in ("first_day", "last_day", "approved_on"):
        if typed_row[field] is None:
            return field, f"{row[field]!r}: expected a date YYYY-MM-DD"
    if typed_row["last_day"] < typed_row["first_day"]:
        return "last_day", f"{row['last_day']} is before first_day {row['first_day']}"
    if row["event_type"] not in EVENT_TYPES:
        return "event_type", f"{row['event_type']!r}: expected one of {', '.join(EVENT_TYPES)}"
    named = [p for p in row["pollutants"].replace(",", ";").replace(" ", "").split(";") if p]
    if named != ["all"] and (not named or set(named) - set(POLLUTANTS)):
        return "pollutants", f"{row['pollutants']!r}: 'all' or some of {';'.join(POLLUTANTS)}"
    return None


def known_codes(stations_csv: str | None) -> tuple[set[str], set[str]]:
    """(station codes, areas) an event may name: the station catalog (ENVMON_STATIONS) and the region's areas."""
    catalog = load_station_catalog(stations_csv or None)
    areas = set(pl.read_csv(SEED_EVENTS.parent / "areas.csv")["area"]) | set(catalog["area"].drop_nulls())
    return set(catalog["code"]), areas


def next_event_id(events: pl.DataFrame, first_day: dt.date) -> str:
    """EE-<year>-<nnn>, numbered within the year of the event's first day."""
    prefix = f"EE-{first_day.year}-"
    used = [
        int(e[len(prefix) :])
        for e in events["event_id"].to_list()
        if e.startswith(prefix) and e[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(used, default=0) + 1:03d}"


def append_event(path: Path, event: dict) -> Path:
    """Add one event to the file (atomically: a reader sees the old file or the new one, never half of it)."""
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ",".join(COLUMNS) + "\n"
    if not text.endswith("\n"):
        text += "\n"
    header = next(csv.reader([text.splitlines()[0]]))  # the file's own column order (an operator may reorder)
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(["" if event.get(c) is None else str(event[c]) for c in header])
    _write_atomically(path, text + line.getvalue())
    return path


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
