"""A real PostgreSQL server for the deployment tests: Debian's binaries, a throw-away cluster in a temporary folder,
127.0.0.1 on a free port, password (SCRAM) authentication over TCP, run as the ``postgres`` user when the tests
run as root (PostgreSQL refuses to run as root). ``stop()`` always ends the server, even after a failed test."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.smtp_server import free_port

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)


def postgres_bin() -> Path | None:
    """The newest installed server's bin folder (the Debian package puts it outside PATH), or None."""
    for folder in BIN_DIRS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and Path(found).with_name("initdb").exists() else None


class PostgresServer:
    """``with PostgresServer() as pg:`` gives ``pg.url`` (with the password), ``pg.password`` and ``pg.connect()``."""

    user = "envmon"
    db = "dagster"

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (.ci/system-packages installs postgresql)")
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self.folder = Path(tempfile.mkdtemp(prefix="envmon-pg-"))  # not under pytest's 0700 root folders
        self.data = self.folder / "cluster"
        self.log = self.folder / "server.log"
        self.run_as = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.db}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, user=self.run_as, check=True, capture_output=True, text=True, timeout=120, cwd=self.folder
        )

    def start(self) -> PostgresServer:
        if self.run_as:
            pw = pwd.getpwnam(self.run_as)
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-instructions",
        )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )
        con = self.connect(admin=True)
        try:
            con.autocommit = True  # CREATE DATABASE runs outside a transaction
            with con.cursor() as cur:
                cur.execute(f"CREATE ROLE {self.user} LOGIN PASSWORD %s", [self.password])
                cur.execute(f"CREATE DATABASE {self.db} OWNER {self.user}")
        finally:
            con.close()
        return self

    def connect(self, admin: bool = False):
        import psycopg2

        if admin:  # the superuser over the Unix socket in the cluster's folder (trust)
            return psycopg2.connect(host=str(self.folder), port=self.port, user="postgres", dbname="postgres")
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname=self.db
        )

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = self.connect()
        try:
            with con.cursor() as cur:
                cur.execute(sql, params or [])
                return cur.fetchall()
        finally:
            con.close()

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")
            except subprocess.SubprocessError:
                self._kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _kill(self) -> None:
        """The server did not stop in time: end the postmaster (its children follow it)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 9)
            time.sleep(0.5)
        except (OSError, ValueError, IndexError):
            pass

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
