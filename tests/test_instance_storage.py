"""The local instance: Dagster's own storage classes in Dagster's files under the home, opened without
``$DAGSTER_HOME`` in the environment, and no change to ``os.environ`` by importing the project or opening the
instance (issue 25)."""

import json
import os
import subprocess
import sys

import dagster as dg
import pytest
import yaml

from pipelines.instance import get_instance
from tests.conftest import PROJECT

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]


@dg.asset(partitions_def=dg.DailyPartitionsDefinition("2026-11-01"))
def dayly_thing(context) -> None:
    context.log.info("built")


def test_the_local_instance_is_dagsters_own_storage_and_another_process_reads_it(tmp_path):
    home = tmp_path / "data" / "dagster"
    environ = {"ENVMON_DATA_DIR": str(tmp_path / "data")}  # no DAGSTER_HOME: the data folder's
    with get_instance(environ) as instance:
        storages = (instance.run_storage, instance.event_log_storage, instance.schedule_storage)
        assert all(type(s).__module__.startswith("dagster.") for s in storages), [type(s) for s in storages]
        assert "event_log_storage" not in yaml.safe_load((home / "dagster.yaml").read_text())
        for day in ("2026-11-02", "2026-11-03"):
            assert dg.materialize([dayly_thing], instance=instance, partition_key=day).success
    assert (home / "history" / "runs" / "index.db").exists()  # Dagster's default files, where they always were

    seen = subprocess.run(
        [
            sys.executable,
            "-c",
            "import dagster as dg; i = dg.DagsterInstance.get(); "
            "print(sorted(i.get_materialized_partitions(dg.AssetKey('dayly_thing'))))",
        ],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == "['2026-11-02', '2026-11-03']"


# In a child: the imports of a fresh process are what is checked. The libraries first (Polars sets its allocator's
# variable when imported, not ours to judge), then the CLI, the code location and the instance commands' modules,
# then the instance and its three storages opened and used.
UNCHANGED = """
import json, os
import dagster, duckdb, polars
before = dict(os.environ)
import pipelines, pipelines.cli, pipelines.definitions, pipelines.stale_runs, pipelines.commands.instance
from pipelines.instance import get_instance
with get_instance() as instance:
    instance.get_runs_count(); instance.event_log_storage.get_concurrency_keys(); instance.all_instigator_state()
print(json.dumps({k: [before.get(k), os.environ.get(k)] for k in before.keys() | os.environ.keys()
                  if before.get(k) != os.environ.get(k)}))
"""


@pytest.mark.parametrize("dagster_home", [True, False], ids=["DAGSTER_HOME set", "DAGSTER_HOME unset"])
def test_importing_the_project_and_opening_the_instance_change_no_environment_variable(tmp_path, dagster_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "ENVMON_"))}
    env |= {"ENVMON_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(PROJECT)}
    if dagster_home:
        env["DAGSTER_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [sys.executable, "-c", UNCHANGED], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}
    home = tmp_path / "home" if dagster_home else tmp_path / "data" / "dagster"
    assert (home / "dagster.yaml").exists() and (home / "history" / "runs.db").exists()
