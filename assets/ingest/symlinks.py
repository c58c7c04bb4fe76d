"""Symbolic links among input files are refused unless ``ENVMON_ALLOW_SYMLINKS`` names the folders they may point
into.

A link dropped in the landing folder, or inside an ``--input`` folder, would make the pipeline read any file of the
machine (a link to /etc/passwd was followed, and its first line echoed in the rejection reason). So every input
path is checked before anything opens it: a link is refused with a reason that names the link and its target,
never anything read from it. ``ENVMON_ALLOW_SYMLINKS`` lists folders (separated by ``:``); a link is then followed
when its final target, every link on the way resolved, lies inside one of them, and refused otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "ENVMON_ALLOW_SYMLINKS"


def allowed_folders(env: dict | None = None) -> list[Path]:
    raw = (os.environ if env is None else env).get(VARIABLE, "")
    return [Path(p).expanduser().resolve() for p in raw.split(os.pathsep) if p.strip()]


def link_problem(path: Path | str, env: dict | None = None) -> str | None:
    """Why ``path`` may not be read (a link the setting does not allow), or None (not a link, or an allowed one)."""
    path = Path(path)
    if not path.is_symlink():
        return None
    folders = allowed_folders(env)
    if not folders:
        return f"symbolic link refused (set {VARIABLE} to the folders that links may point into)"
    target = path.resolve()
    if any(target == folder or folder in target.parents for folder in folders):
        return None
    return f"symbolic link to {target}, outside the folders of {VARIABLE}: refused"


def check_input(path: Path | str, env: dict | None = None) -> Path:
    """``path`` itself, or ValueError naming it when it is a link that may not be followed."""
    problem = link_problem(path, env)
    if problem:
        raise ValueError(f"{path}: {problem}")
    return Path(path)
