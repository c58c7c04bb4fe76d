"""The systemd units of deploy/systemd: systemd's own verifier where it is installed (CI has no running systemd,
but `systemd-analyze verify` reads units without one), and what each unit must say, read as systemd reads it."""

import shutil
import subprocess

import pytest
import yaml

from tests.deploy.units import INSTALL_DIR, PROJECT, UNITS, parse_unit, unit_environment, values

pytestmark = pytest.mark.subprocess

NAMES = ("code", "webserver", "daemon")


@pytest.mark.parametrize("name", NAMES)
def test_each_unit_runs_as_envmon_in_production_with_the_settings_file(name):
    unit = parse_unit(UNITS / f"envmon-{name}.service")
    assert values(unit, "Unit", "Description") and values(unit, "Install", "WantedBy") == ["multi-user.target"]
    assert values(unit, "Service", "User") == ["envmon"] and values(unit, "Service", "Group") == ["envmon"]
    assert values(unit, "Service", "EnvironmentFile") == ["/etc/envmon/envmon.env"]
    assert unit_environment(unit)["ENVMON_DEPLOYMENT"] == "production"
    assert values(unit, "Service", "ExecStartPre") == [f"{INSTALL_DIR}/.venv/bin/envmon instance"]
    assert values(unit, "Service", "Restart") == ["on-failure"]
    (start,) = values(unit, "Service", "ExecStart")
    assert start.startswith(f"{INSTALL_DIR}/.venv/bin/")


def test_webserver_and_daemon_use_the_code_server_of_the_workspace():
    workspace = yaml.safe_load((PROJECT / "deploy" / "workspace.yaml").read_text())
    grpc = workspace["load_from"][0]["grpc_server"]
    (code,) = values(parse_unit(UNITS / "envmon-code.service"), "Service", "ExecStart")
    assert f"-p {grpc['port']} " in code and "-m pipelines.definitions -a defs" in code
    assert f"--location-name {grpc['location_name']}" in code
    for name in ("webserver", "daemon"):
        unit = parse_unit(UNITS / f"envmon-{name}.service")
        (start,) = values(unit, "Service", "ExecStart")
        assert f"-w {INSTALL_DIR}/deploy/workspace.yaml" in start
        assert "envmon-code.service" in " ".join(values(unit, "Unit", "After"))


def test_systemd_accepts_the_units(tmp_path):
    verify = shutil.which("systemd-analyze")
    if verify is None:
        pytest.skip("systemd-analyze not installed (.ci/system-packages installs systemd); the units were parsed above")
    copies = []
    for name in NAMES:  # installed at the checkout instead of /opt/envmon, so that the executables exist
        text = (UNITS / f"envmon-{name}.service").read_text().replace(INSTALL_DIR, str(PROJECT))
        copies.append(tmp_path / f"envmon-{name}.service")
        copies[-1].write_text(text)
    result = subprocess.run([verify, "verify", *map(str, copies)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "envmon-broken.service"
    broken.write_text(copies[0].read_text().replace("ExecStart=", "ExecStrat="))
    assert subprocess.run([verify, "verify", str(broken)], capture_output=True, timeout=120).returncode != 0


def test_the_compose_file_runs_the_units_commands_against_its_postgres():
    compose = yaml.safe_load((PROJECT / "deploy" / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "code", "webserver", "daemon", "status"}
    status = services["status"]  # the status page: the data volume read-only, nothing else (docs/status-page.md)
    assert status["read_only"] is True and all(v.endswith(":ro") for v in status["volumes"])
    workspace = yaml.safe_load((PROJECT / "deploy" / "workspace.compose.yaml").read_text())
    grpc = workspace["load_from"][0]["grpc_server"]
    assert grpc["host"] == "code" and f"-p {grpc['port']}" in services["code"]["command"]
    assert "-m pipelines.definitions -a defs" in services["code"]["command"]
    assert "dagster-webserver -w deploy/workspace.compose.yaml" in services["webserver"]["command"]
    assert "dagster-daemon run -w deploy/workspace.compose.yaml" in services["daemon"]["command"]
    for name in ("code", "webserver", "daemon"):
        service = services[name]
        assert service["command"].startswith('sh -c "envmon instance && exec ')
        env = service["environment"]
        assert env["ENVMON_DEPLOYMENT"] == "production" and env["ENVMON_DAGSTER_PG_HOST"] == "postgres"
        assert "ENVMON_DAGSTER_PG_PASSWORD" not in env  # the secret comes from the settings file only
        assert service["env_file"] == "/etc/envmon/envmon.env"
