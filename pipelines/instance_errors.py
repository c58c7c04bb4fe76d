"""One line for the two ways a SQLite Dagster instance fails before any run starts: a data folder the user cannot
write, and a corrupt instance database (``runs.db``, ``runs/index.db``, ``schedules.db``…).

SQLAlchemy says ``(sqlite3.OperationalError) attempt to write a readonly database`` or ``(sqlite3.DatabaseError)
file is not a database`` with an SQL dump and no file name; this module finds the file (the first one this user
cannot write; the one SQLite cannot read through) and says what to do. Standard library only: it runs on the error
path of every command, ``envmon query`` included.
"""

from __future__ import annotations

import errno
import getpass
import os
import sqlite3
from pathlib import Path

from pipelines.dagster_home import dagster_home

READ_ONLY = ("attempt to write a readonly database", "unable to open database file", "readonly database")
CORRUPT = ("file is not a database", "database disk image is malformed")
# The instance's own databases first (pipelines/dagster.yaml: SQLite storage under DAGSTER_HOME), then one per run.
MAIN_DATABASES = ("history/runs.db", "history/runs/index.db", "schedules/schedules.db")
PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)


def instance_problem(exc: BaseException) -> str | None:
    """The one-line message for a read-only data folder or a corrupt instance database in ``exc``'s chain."""
    for error in causes(exc):
        text = str(error)
        if any(s in text for s in CORRUPT):
            bad = next((p for p in _databases(_home()) if _unreadable(p)), None)
            return corrupt_message(bad, text) if bad else None  # not one of the instance's: its own text
        if any(s in text for s in READ_ONLY):
            home = _home()
            path = next((p for p in _writable_candidates(home) if p.exists() and not os.access(p, os.W_OK)), None)
            return read_only_message(home, path) if path else None  # all writable: another cause, its own text
        if isinstance(error, OSError) and error.errno in PERMISSION and _in_data_folder(error.filename):
            return read_only_message(_home(), Path(error.filename))
    return None


def read_only_message(home: Path, path: Path) -> str:
    root = Path(os.environ.get("ENVMON_DATA_DIR", home.parent)).resolve()
    user = _user()
    return (
        f"cannot write {path}: the data folder {root} must be writable by the user running envmon ({user}); "
        f"give it to that user (e.g. `chown -R {user} {root}`) or set ENVMON_DATA_DIR to a folder it can write"
    )


def corrupt_message(bad: Path, said: str) -> str:
    reason = next((s for s in CORRUPT if s in said), said.splitlines()[0])
    return (
        f"the Dagster instance database {bad} is corrupt ({reason}); restore it from a backup, or move it aside "
        f"(`mv {bad} {bad}.corrupt`) and run again: Dagster starts an empty one, without the runs and "
        "materializations it recorded (the warehouse and the snapshot are not affected)"
    )


def _databases(home: Path) -> list[Path]:
    main = [home / name for name in MAIN_DATABASES if (home / name).is_file()]
    return main + sorted(p for p in home.rglob("*.db") if p not in main)


def _unreadable(path: Path) -> bool:
    """Whether SQLite cannot read ``path`` through (opened read-only: the check changes nothing)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("PRAGMA quick_check").fetchone() != ("ok",)
        finally:
            con.close()
    except sqlite3.Error:
        return True


def _writable_candidates(home: Path) -> list[Path]:
    """The files SQLite writes, then their folders (its journal goes beside a database), the narrowest first."""
    folders = [home / "history" / "runs", home / "history", home / "schedules", home / "storage", home, home.parent]
    return [home / name for name in MAIN_DATABASES] + folders


def _in_data_folder(filename) -> bool:
    if not filename:
        return False
    root = Path(os.environ.get("ENVMON_DATA_DIR", "data")).resolve()
    path = Path(os.path.abspath(filename))
    return path == root or root in path.parents


def _home() -> Path:
    return dagster_home()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def causes(exc: BaseException):
    """The exception and each one it was raised from or during, once each."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__
