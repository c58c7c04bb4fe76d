"""The production services (code server, webserver, daemon) as real processes, started from the systemd units.

Each service runs in its own process group with its output in a log file; ``stop()`` sends SIGTERM to the group,
waits, then SIGKILLs what is left, so a failed test leaves nothing running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.deploy.units import INSTALL_DIR, PROJECT, UNITS, expand, parse_unit, unit_environment, values


def wait_for(condition, timeout: float, what: str, interval: float = 0.5):
    """Poll ``condition()`` until it returns something truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


class Service:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> Service:
        self.starts += 1
        with self.log.open("a") as out:
            out.write(f"\n=== start {self.starts}: {' '.join(self.argv)}\n")
            out.flush()
            self.process = subprocess.Popen(
                self.argv, cwd=PROJECT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 60, sig: int = signal.SIGTERM) -> None:
        """As systemd stops a unit: SIGTERM (or ``sig``) to the group, SIGKILL to whatever is left after ``timeout``."""
        if self.process is None:
            return
        pgid = self.process.pid
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)
        self.process = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Deployment:
    """The three units against one data folder and one PostgreSQL database; ports chosen by the caller."""

    def __init__(self, folder: Path, env: dict[str, str], ui_port: int, code_port: int):
        self.folder = folder
        self.ui_port, self.code_port = ui_port, code_port
        self.workspace = folder / "workspace.yaml"
        spec = yaml.safe_load((PROJECT / "deploy" / "workspace.yaml").read_text())
        spec["load_from"][0]["grpc_server"]["port"] = code_port
        self.workspace.write_text(yaml.safe_dump(spec))
        bin_dir = str(Path(sys.executable).parent)
        self.replace = {  # most specific first
            f"{INSTALL_DIR}/deploy/workspace.yaml": str(self.workspace),
            f"{INSTALL_DIR}/.venv/bin": bin_dir,
            "-p 4000 ": f"-p {code_port} ",
            INSTALL_DIR: str(PROJECT),
        }
        self.env = env
        self.services: dict[str, Service] = {}

    def service(self, name: str) -> Service:
        if name not in self.services:
            unit = parse_unit(UNITS / f"envmon-{name}.service")
            env = {
                **unit_environment(unit),
                **self.env,
                "ENVMON_UI_HOST": "127.0.0.1",
                "ENVMON_UI_PORT": str(self.ui_port),
            }
            for pre in values(unit, "Service", "ExecStartPre"):
                subprocess.run(
                    expand(pre, env, self.replace), cwd=PROJECT, env=env, check=True, timeout=120, capture_output=True
                )
            (start,) = values(unit, "Service", "ExecStart")
            self.services[name] = Service(name, expand(start, env, self.replace), env, self.folder / f"{name}.log")
        return self.services[name]

    def logs(self) -> str:
        return "\n".join(f"----- {name}\n{s.output()}" for name, s in self.services.items())

    def stop_all(self) -> None:
        for name in ("daemon", "webserver", "code"):
            if name in self.services:
                self.services[name].stop()
