"""`make ui` stops on SIGTERM (issue 24): `kill -TERM <make>` ends dg dev, its webserver and its daemon, and frees
the port, also when make was started as a background job (SIGINT ignored, to which dg dev maps SIGTERM)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.services import wait_for
from tests.smtp_server import free_port

pytestmark = [pytest.mark.subprocess, pytest.mark.server]

PROJECT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent  # the venv running the tests (make's VENV: its stamp is there)


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def group(pgid: int) -> list[str]:
    """The command lines of the live processes of a process group (a zombie has ended: only not yet reaped)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            raw = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(cmdline)
    return found


def background_job():
    """As a shell starts `make ui &`: SIGINT ignored (POSIX), which dg dev used to inherit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_kill_term_of_make_stops_the_webserver_and_the_daemon(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENVMON_", "DAGSTER_", "MAKE"))}
    env |= {"ENVMON_DATA_DIR": str(tmp_path / "data")}
    log = (tmp_path / "ui.log").open("w")
    make = subprocess.Popen(
        ["make", "-s", "ui", f"UI_PORT={port}", f"VENV={VENV}"],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: every process it starts can be found, and killed at the end
        preexec_fn=background_job,
    )
    try:
        wait_for(lambda: listening(port) or make.poll() is not None, 300, "make ui listening")
        assert make.poll() is None, (tmp_path / "ui.log").read_text()[-3000:]
        started = group(make.pid)
        assert any("dagster_webserver" in p for p in started) and any("dagster._daemon" in p for p in started), started

        os.kill(make.pid, signal.SIGTERM)  # make only, as `kill -TERM <pid of make>`
        make.wait(timeout=120)
        wait_for(lambda: not group(make.pid), 120, "every process of make ui gone")
        assert not listening(port)
        assert "Dagster services shut down" in (tmp_path / "ui.log").read_text()
    finally:
        try:
            os.killpg(make.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        make.wait(10)
        log.close()
