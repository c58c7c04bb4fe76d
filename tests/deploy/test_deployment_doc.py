"""docs/deployment.md followed step by step on a fresh clone, as far as a container allows.

Every shell block of the document whose first line is ``# ci: run`` runs here, in the document's order, with
bash: the folders of a server (/opt/envmon, /etc/envmon, /var/lib/envmon, /var/backups/envmon) moved under a
temporary folder, the ``envmon`` user replaced by the CI user, the repository URL by this checkout, and the
operator's edit of the settings file (step 5) done by the test with its own PostgreSQL server. Blocks marked
``# ci: skip (...)`` say which test covers them instead (systemd units, the services themselves).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CNEMC, need_shared_data
from tests.deploy.units import PROJECT
from tests.postgres_server import PostgresServer, postgres_bin

DOC = PROJECT / "docs" / "deployment.md"
REPO_URL = "https://git.example.cn/joint-office/envmon.git"
# step 6 loads 2023-01-20 .. 21 from the national archive (a production server reads no generated data)
ARCHIVE_FILES = [f"china_sites_2023012{d}.csv" for d in (0, 1, 2)]
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)

# an administrator's shell: none of this checkout's settings or virtualenv (pip's cache and configuration stay)
SHELL_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("ENVMON_", "DAGSTER_", "VIRTUAL_ENV", "MAKE"))}
SHELL_ENV["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.server,
    pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries not installed (.ci/system-packages)"),
]


def blocks() -> list[tuple[str, str]]:
    """(ci marker line, script) of every shell block, in order."""
    found = []
    for match in BLOCK.finditer(DOC.read_text(encoding="utf-8")):
        first, _, body = match.group(1).partition("\n")
        assert first.startswith("# ci: run") or first.startswith("# ci: skip ("), f"block without a ci line: {first!r}"
        found.append((first, body))
    return found


def localise(script: str, root: Path) -> str:
    for server_path in ("/opt/envmon", "/etc/envmon", "/var/lib/envmon", "/var/backups/envmon"):
        script = script.replace(server_path, str(root) + server_path)
    script = script.replace(REPO_URL, str(PROJECT))
    script = script.replace("sudo -u envmon ", "")
    return re.sub(r" -[og] (?:envmon|root)\b", "", script)  # owners: the CI user's own files


def configure(env_file: Path, root: Path, pg: PostgresServer) -> None:
    """What the operator does in step 5's editor: the server's folders and the instance database; and what the
    office's download job does: the national archive's files of the history load (step 6) in ENVMON_AIR_INPUT."""
    text = env_file.read_text(encoding="utf-8")
    text = text.replace("/var/lib/envmon", str(root) + "/var/lib/envmon")
    text = re.sub(r"^ENVMON_DAGSTER_POSTGRES_URL=.*$", f"ENVMON_DAGSTER_POSTGRES_URL={pg.url}", text, flags=re.M)
    env_file.write_text(text, encoding="utf-8")
    (folder,) = re.findall(r"^ENVMON_AIR_INPUT=(.*)$", text, flags=re.M)
    for name in ARCHIVE_FILES:
        shutil.copy(CNEMC / name, folder)


def test_the_document_has_runnable_steps_and_says_what_covers_the_others():
    markers = [first for first, _ in blocks()]
    assert sum(m.startswith("# ci: run") for m in markers) >= 6
    for marker in markers:
        if marker.startswith("# ci: skip"):
            assert len(marker) > len("# ci: skip ()") + 10, f"say why and what checks it instead: {marker}"


def test_following_the_document_from_a_fresh_clone(tmp_path):
    need_shared_data(*ARCHIVE_FILES)
    root = tmp_path / "server"
    root.mkdir()
    log = []
    with PostgresServer() as pg:
        for first, body in blocks():
            if not first.startswith("# ci: run"):
                continue
            script = localise(body, root)
            result = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=900,
                env=SHELL_ENV,
            )
            log.append(f"$ {script}\n{result.stdout}{result.stderr}")
            assert result.returncode == 0, "\n".join(log)[-6000:]
            env_file = root / "etc" / "envmon" / "envmon.env"
            if env_file.exists() and str(pg.url) not in env_file.read_text():
                configure(env_file, root, pg)
        output = "\n".join(log)
        assert pg.password not in output  # the commands never print the password
        assert "runs, events and schedules in PostgreSQL envmon@127.0.0.1" in output
        assert "All definitions loaded successfully" in output
        assert "2 of 2 day(s) succeeded" in output
        # the restore brought back the instance (the history load: its two days in one run) and the warehouse
        runs = pg.query("SELECT count(*) FROM runs WHERE pipeline_name = 'daily_job' AND status = 'SUCCESS'")
        assert runs == [(1,)]
        assert output.count("1 run(s) recorded") >= 1
        warehouse = root / "var" / "lib" / "envmon" / "data" / "warehouse.duckdb"
        backups = list((root / "var" / "backups" / "envmon").glob("*/warehouse.duckdb"))
        assert warehouse.exists() and len(backups) == 1
        assert list((root / "var" / "backups" / "envmon").glob("*/dagster.pgdump"))
        assert (root / "var" / "lib" / "envmon" / "data" / "dagster" / "dagster.yaml").read_text().count(
            pg.password
        ) == 0
