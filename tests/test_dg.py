"""`dg` ([tool.dg] in pyproject.toml): `dg check defs` and `dg list defs` load the code location as the UI does."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

PROJECT = Path(__file__).resolve().parents[1]
DG = Path(sys.executable).with_name("dg")


def dg(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "VIRTUAL_ENV": str(Path(sys.executable).parents[1]),
        "ENVMON_DATA_DIR": str(tmp_path),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    return subprocess.run([str(DG), *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)


def test_dg_check_defs_exits_0(tmp_path):
    result = dg("check", "defs", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr


def test_dg_list_defs_lists_the_jobs_schedules_sensors_and_checks(tmp_path):
    result = dg("list", "defs", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    defs = json.loads(result.stdout)
    assert {"daily_job", "water_file_job", "monthly_report_job", "mail_delivery_job", "run_failure_mail_job"} <= {
        j["name"] for j in defs["jobs"]
    }
    assert {"daily_job_schedule", "monthly_report_schedule"} <= {s["name"] for s in defs["schedules"]}
    assert {"water_landing_sensor", "alert_delivery_sensor"} <= {s["name"] for s in defs["sensors"]}
    assert "staging/air_hourly" in {a["asset_key"] for a in defs["assets"]}
    assert any("batch_usable" in json.dumps(c) for c in defs["asset_checks"])
