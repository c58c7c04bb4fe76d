"""The systemd units of deploy/systemd, read as systemd reads them, and turned into commands a test can run.

The deployment test starts the services with the units' own ExecStartPre/ExecStart lines, the install folder
(/opt/envmon) replaced by this checkout and the ports by free ones, so the units are what the test exercises.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
UNITS = PROJECT / "deploy" / "systemd"
INSTALL_DIR = "/opt/envmon"
SECTIONS = {"Unit", "Service", "Install"}


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Section -> [(key, value)] in order (systemd allows repeated keys); rejects what systemd would not read."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]") or line[1:-1] not in SECTIONS:
                raise ValueError(f"{path}:{number}: unknown section {line}")
            current = sections.setdefault(line[1:-1], [])
            continue
        if current is None or "=" not in line:
            raise ValueError(f"{path}:{number}: expected key=value inside a section: {raw!r}")
        key, value = line.split("=", 1)
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def unit_environment(unit: dict) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in values(unit, "Service", "Environment"):
        for item in shlex.split(line):
            name, value = item.split("=", 1)
            env[name] = value
    return env


def expand(command: str, env: dict[str, str], replace: dict[str, str]) -> list[str]:
    """An Exec line as argv: ``${VAR}`` from ``env`` (as systemd does), then literal replacements."""
    command = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], command)
    for old, new in replace.items():
        command = command.replace(old, new)
    return shlex.split(command)
