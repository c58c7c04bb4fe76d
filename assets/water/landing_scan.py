"""Which files of the landing folder are ready to ingest (plain logic behind the Dagster sensor).

A file is ready when it has stopped changing: its size and modification time are the same as at the previous
scan **and** it was last modified at least ``min_age_seconds`` ago. A file being copied, uploaded or saved is
therefore left for a later scan. Temporary names (``.name``, ``~$name`` of Excel, ``*.tmp``, ``*.part``,
``*.crdownload``) are never picked up. A symbolic link is never read here: unless ``ENVMON_ALLOW_SYMLINKS`` allows it,
it is requested under a key of its own, and its run moves it to rejected/ with the reason.

The scan state (the sensor's cursor) remembers the files waiting to settle and, per content hash, which file was
already requested, so each file is requested once. The same content dropped again later (a newer copy) is requested
again with its own key; the ingest then finds the hash already loaded and archives the copy as a duplicate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from assets.ingest.symlinks import link_problem

MIN_AGE_SECONDS = 10.0
REMEMBER_HASHES = 5000  # cursor size bound; older hashes are still protected by the run key and meta.water_files
_TEMPORARY_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".reason.txt")


@dataclass(frozen=True)
class ReadyFile:
    path: Path
    content_hash: str
    run_key: str


def is_candidate(path: Path) -> bool:
    """A file to ingest; symbolic links too, so that a refused one is moved to rejected/ with its reason."""
    name = path.name
    return (
        (path.is_symlink() or path.is_file())
        and not name.startswith((".", "~$"))
        and not name.lower().endswith(_TEMPORARY_SUFFIXES)
    )


def link_key(path: Path) -> str:
    """A key for a symbolic link that may not be followed: from the link itself, never from what it points at."""
    stat = path.lstat()
    return "link-" + hashlib.sha256(f"{path.name}\0{stat.st_mtime_ns}".encode()).hexdigest()[:27]


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def scan_landing(folder: Path, cursor: str | None, now: float, min_age_seconds: float = MIN_AGE_SECONDS):
    """(ready files, new cursor). ``now`` is a POSIX time; ``cursor`` the previous scan's JSON (or None)."""
    state = json.loads(cursor) if cursor else {}
    seen: dict[str, list[int]] = state.get("seen", {})
    requested: dict[str, int] = state.get("requested", {})
    ready: list[ReadyFile] = []
    now_seen: dict[str, list[int]] = {}
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if not is_candidate(path):
            continue
        refused = link_problem(path) is not None
        stat = path.lstat() if refused else path.stat()
        signature = [stat.st_size, stat.st_mtime_ns]
        now_seen[path.name] = signature
        settled = seen.get(path.name) == signature and now - stat.st_mtime >= min_age_seconds
        if not settled:
            continue  # new, still growing, or too recent: look again at the next scan
        digest = link_key(path) if refused else content_hash(path)
        if requested.get(digest) == stat.st_mtime_ns:
            continue  # already requested; its run has not moved it yet
        run_key = digest if digest not in requested else f"{digest}-{stat.st_mtime_ns}"
        requested[digest] = stat.st_mtime_ns
        ready.append(ReadyFile(path, digest, run_key))
    kept = dict(list(requested.items())[-REMEMBER_HASHES:])
    return ready, json.dumps({"seen": now_seen, "requested": kept}, sort_keys=True)
