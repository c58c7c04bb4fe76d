"""The instance file: SQLite by default, PostgreSQL from a URL or its parts, production's template, the password
never on disk; the schedules' default status follows the deployment."""

import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
import yaml

from pipelines.deployment import deployment
from pipelines.instance_config import InstanceConfigError, describe_storage, instance_yaml, write_instance_yaml
from tests.deploy.units import PROJECT

pytestmark = pytest.mark.subprocess

SECRET = "pa:ss/w@rd-秘密"
URL = f"postgresql://envmon:{quote(SECRET, safe='')}@db.example.cn:5433/envmon_dagster"
PARTS = {
    "ENVMON_DAGSTER_PG_HOST": "db.example.cn",
    "ENVMON_DAGSTER_PG_USER": "envmon",
    "ENVMON_DAGSTER_PG_PASSWORD": SECRET,
    "ENVMON_DAGSTER_PG_DB": "envmon_dagster",
}


def test_local_without_postgres_is_the_sqlite_template():
    text = instance_yaml({})
    assert "storage" not in yaml.safe_load(text) and "duckdb_writer" in text
    assert "event_log_storage" not in yaml.safe_load(text)  # Dagster's default SQLite storage, no class of ours
    assert yaml.safe_load(text)["concurrency"]["pools"]["default_limit"] == 1
    assert describe_storage({}) == "SQLite under $DAGSTER_HOME"


def test_a_url_is_named_not_copied():
    config = yaml.safe_load(instance_yaml({"ENVMON_DAGSTER_POSTGRES_URL": URL}))
    for section in ("run_storage", "event_log_storage", "schedule_storage"):  # all three, or one would be SQLite
        assert config[section]["config"] == {"postgres_url": {"env": "ENVMON_DAGSTER_POSTGRES_URL"}}
    assert {config[s]["module"] for s in ("run_storage", "event_log_storage", "schedule_storage")} == {
        "dagster_postgres"
    }
    assert "storage" not in config  # Dagster refuses it beside the three sections
    assert quote(SECRET, safe="") not in describe_storage({"ENVMON_DAGSTER_POSTGRES_URL": URL})
    assert (
        describe_storage({"ENVMON_DAGSTER_POSTGRES_URL": URL}) == "PostgreSQL envmon@db.example.cn:5433/envmon_dagster"
    )


def test_parts_are_named_not_copied(tmp_path):
    path = write_instance_yaml(tmp_path, {**PARTS, "ENVMON_DAGSTER_PG_PORT": "5433"})
    text = path.read_text()
    assert SECRET not in text and "db.example.cn" not in text
    db = yaml.safe_load(text)["event_log_storage"]["config"]["postgres_db"]
    assert db["password"] == {"env": "ENVMON_DAGSTER_PG_PASSWORD"} and db["port"] == {"env": "ENVMON_DAGSTER_PG_PORT"}
    assert SECRET not in describe_storage(PARTS)


def test_incomplete_or_wrong_settings_fail_loudly():
    with pytest.raises(InstanceConfigError, match="ENVMON_DAGSTER_PG_DB"):
        instance_yaml({k: v for k, v in PARTS.items() if k != "ENVMON_DAGSTER_PG_DB"})
    with pytest.raises(InstanceConfigError, match="postgresql://"):
        instance_yaml({"ENVMON_DAGSTER_POSTGRES_URL": "mysql://x@y/z"})
    with pytest.raises(InstanceConfigError, match="percent-encode") as raised:  # a raw ':' in the password
        instance_yaml({"ENVMON_DAGSTER_POSTGRES_URL": f"postgresql://envmon:{SECRET}@db.example.cn/envmon"})
    assert "pa:ss" not in str(raised.value)
    with pytest.raises(InstanceConfigError, match="needs PostgreSQL"):
        instance_yaml({"ENVMON_DEPLOYMENT": "production"})
    with pytest.raises(ValueError, match="ENVMON_DEPLOYMENT"):
        deployment({"ENVMON_DEPLOYMENT": "staging"})


def test_production_template_queues_runs_monitors_them_and_keeps_the_writer_pool():
    config = yaml.safe_load(instance_yaml({"ENVMON_DEPLOYMENT": "production", "ENVMON_DAGSTER_POSTGRES_URL": URL}))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["run_monitoring"]["enabled"] and config["run_monitoring"]["free_slots_after_run_end_seconds"] > 0
    assert config["telemetry"] == {"enabled": False}


def test_dagster_accepts_the_production_instance_file(tmp_path):
    from dagster._core.instance.config import dagster_instance_config

    write_instance_yaml(tmp_path, {"ENVMON_DEPLOYMENT": "production", "ENVMON_DAGSTER_POSTGRES_URL": URL})
    config, _ = dagster_instance_config(str(tmp_path))
    assert set(config) >= {"run_storage", "event_log_storage", "schedule_storage", "run_coordinator", "run_monitoring"}
    assert "concurrency" in config


@pytest.mark.parametrize("kind, expected", [("local", "STOPPED"), ("production", "RUNNING")])
def test_schedules_default_status_follows_the_deployment(kind, expected, tmp_path):
    code = (
        "import json; from pipelines.definitions import defs; "
        "print(json.dumps({s.name: s.default_status.value for s in defs.schedules}))"
    )
    env = {**os.environ, "ENVMON_DEPLOYMENT": kind, "ENVMON_DATA_DIR": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, check=True, timeout=300
    ).stdout
    statuses = json.loads(out.strip().splitlines()[-1])
    assert statuses and set(statuses.values()) == {expected}, statuses
