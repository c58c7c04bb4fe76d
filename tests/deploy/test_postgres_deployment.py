"""The production deployment end to end: a real PostgreSQL server, the code server, dagster-webserver and
dagster-daemon as separate processes started from deploy/systemd's units, the daily job launched through the
webserver's GraphQL API, the daemon restarted while one run is in progress and another is queued.

Black-box on purpose: the daily job's inside (steps, assets) changes with the model layer; the test asserts on run
status and the event storage in PostgreSQL, and on the warehouse's tables that the day fills.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.browser import artifacts
from tests.conftest import need_shared_data
from tests.deploy.services import Deployment, wait_for
from tests.postgres_server import PostgresServer, postgres_bin
from tests.smtp_server import free_port
from warehouse.paths import DataPaths
from warehouse.query import run_query

DAYS = ["2023-01-20", "2023-01-21"]  # of the national archive: production reads no generated data
RUN_TIMEOUT = 300  # seconds for one daily run on a busy 2-core machine (it takes well under a minute alone)
GRAPHQL_WORKSPACE = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""

pytestmark = [
    pytest.mark.server,
    pytest.mark.browser,
    pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries not installed (.ci/system-packages)"),
]


@pytest.fixture(scope="module")
def postgres():
    with PostgresServer() as pg:
        yield pg


@pytest.fixture(scope="module")
def deployment(postgres, tmp_path_factory):
    folder = tmp_path_factory.mktemp("deployment")
    data = folder / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENVMON_", "DAGSTER_"))}
    env |= {
        "ENVMON_DATA_DIR": str(data),
        "DAGSTER_HOME": str(data / "dagster"),
        "ENVMON_DEPLOYMENT": "production",
        "ENVMON_DAGSTER_POSTGRES_URL": postgres.url,
        "ENVMON_AIR_SOURCE": "archive",  # rivers: landing (the default beside a real air source)
        "ENVMON_AIR_INPUT": str(need_shared_data("china_sites_20230120.csv", "china_sites_20230122.csv")),
    }
    deploy = Deployment(folder, env, ui_port=free_port(), code_port=free_port())
    try:
        deploy.service("code").start()
        deploy.service("webserver").start()
        yield deploy
    finally:
        deploy.stop_all()
        # the services' logs (and the instance file) beside the browser tests' screenshots
        shutil.copytree(folder, artifacts("deployment"), dirs_exist_ok=True, ignore=_no_data)


def _no_data(folder, names):
    return [n for n in names if n in ("data", "__pycache__")]


@pytest.fixture(scope="module")
def graphql(deployment):
    from dagster_graphql import DagsterGraphQLClient

    def loaded():
        if not deployment.services["webserver"].running:
            raise RuntimeError(f"webserver exited:\n{deployment.logs()[-3000:]}")
        try:
            client = DagsterGraphQLClient("127.0.0.1", port_number=deployment.ui_port, timeout=30)
            entries = client._execute(GRAPHQL_WORKSPACE)["workspaceOrError"]["locationEntries"]
        except Exception:  # not listening yet
            return None
        (entry,) = entries
        # the webserver may come up before the code server listens, as under systemd: it reconnects by itself
        return client if entry["locationOrLoadError"]["__typename"] == "RepositoryLocation" else None

    return wait_for(loaded, 180, "the webserver serving the envmon code location")


@pytest.fixture(scope="module")
def runs(deployment, graphql):
    """Run 1 queued while the daemon is down; the daemon starts it; the daemon is stopped in the middle of it, run 2
    is queued meanwhile; the daemon comes back and both finish."""
    from dagster_graphql import DagsterGraphQLClientError  # noqa: F401  (the client's errors name the run)

    def submit(day):
        return graphql.submit_job_execution(
            "daily_job",
            repository_location_name="envmon",
            repository_name="__repository__",
            tags={"dagster/partition": day},
        )

    def status(run_id):
        return graphql.get_run_status(run_id).value

    daemon = deployment.service("daemon")
    first = submit(DAYS[0])
    assert status(first) == "QUEUED"  # nobody launches it while the daemon is down
    daemon.start()
    wait_for(lambda: status(first) in ("STARTED", "SUCCESS", "FAILURE"), RUN_TIMEOUT, "run 1 launched by the daemon")
    daemon.stop()  # what `systemctl restart envmon-daemon` does first
    state_while_down = status(first)
    second = submit(DAYS[1])
    second_while_down = status(second)
    daemon.start()
    done = ("SUCCESS", "FAILURE", "CANCELED")
    wait_for(lambda: status(first) in done and status(second) in done, 2 * RUN_TIMEOUT, "both runs finished")
    return {
        "ids": [first, second],
        "first_while_down": state_while_down,
        "second_while_down": second_while_down,
        "status": [status(first), status(second)],
        "daemon_starts": daemon.starts,
    }


def test_runs_survive_a_daemon_restart_and_succeed(runs, deployment):
    assert runs["daemon_starts"] == 2
    assert runs["first_while_down"] in ("STARTED", "SUCCESS")  # a restart of the daemon does not touch a run
    assert runs["second_while_down"] == "QUEUED"  # ... and a run queued meanwhile waits for it
    assert runs["status"] == ["SUCCESS", "SUCCESS"], deployment.logs()[-5000:]


def test_runs_and_events_are_in_postgresql_once(runs, postgres):
    ids = runs["ids"]
    rows = postgres.query("SELECT run_id, status FROM runs WHERE run_id = ANY(%s)", [ids])
    assert sorted(rows) == sorted((i, "SUCCESS") for i in ids)
    for run_id in ids:
        events = dict(
            postgres.query(
                "SELECT dagster_event_type, count(*) FROM event_logs "
                "WHERE run_id = %s AND dagster_event_type IS NOT NULL GROUP BY 1",
                [run_id],
            )
        )
        # queued once, launched once, finished once: the restart neither lost nor repeated the run (Dagster stores
        # the run events under their old PIPELINE_* names)
        lifecycle = ("PIPELINE_ENQUEUED", "PIPELINE_STARTING", "PIPELINE_START", "PIPELINE_SUCCESS")
        assert {k: events.get(k) for k in lifecycle} == dict.fromkeys(lifecycle, 1), events
        assert events.get("STEP_FAILURE") is None and events["STEP_START"] == events["STEP_SUCCESS"] > 0
        assert events.get("ASSET_MATERIALIZATION", 0) > 0
        repeated_steps = postgres.query(
            "SELECT step_key FROM event_logs WHERE run_id = %s AND dagster_event_type = 'STEP_START' "
            "GROUP BY step_key HAVING count(*) > 1",
            [run_id],
        )
        assert repeated_steps == []
        repeated = postgres.query(
            "SELECT asset_key, partition FROM event_logs WHERE run_id = %s AND dagster_event_type = "
            "'ASSET_MATERIALIZATION' GROUP BY 1, 2 HAVING count(*) > 1",
            [run_id],
        )
        assert repeated == []
    # no other run of these partitions (a relaunch after the restart would be one)
    others = postgres.query(
        "SELECT r.run_id FROM runs r JOIN run_tags t ON t.run_id = r.run_id "
        "WHERE t.key = 'dagster/partition' AND t.value = ANY(%s) AND r.pipeline_name = 'daily_job' "
        "AND NOT r.run_id = ANY(%s)",
        [DAYS, ids],
    )
    assert others == []


def test_the_warehouse_holds_each_day_once(runs, deployment):
    snapshot = DataPaths(Path(deployment.env["ENVMON_DATA_DIR"])).snapshot
    days = run_query(
        snapshot,
        "SELECT CAST(ts - INTERVAL 1 HOUR AS DATE)::VARCHAR AS day, count(*) AS n, "
        "count(DISTINCT (station_code, ts)) AS distinct_n FROM staging.air_hourly GROUP BY 1 ORDER BY 1",
    )
    by_day = {d: (n, distinct) for d, n, distinct in days.iter_rows()}
    for day in DAYS:
        n, distinct = by_day[day]
        assert n == distinct > 0


def test_the_password_is_neither_on_disk_nor_in_the_logs(runs, deployment, postgres):
    instance_yaml = (deployment.folder / "data" / "dagster" / "dagster.yaml").read_text()
    assert "ENVMON_DAGSTER_POSTGRES_URL" in instance_yaml and "QueuedRunCoordinator" in instance_yaml
    assert postgres.password not in instance_yaml
    assert postgres.password not in deployment.logs()
    leaked = postgres.query("SELECT count(*) FROM event_logs WHERE event LIKE %s", [f"%{postgres.password}%"])
    assert leaked == [(0,)]


def test_a_run_launched_with_the_generator_fails_at_once_naming_the_setting(deployment, graphql, postgres):
    """The launchpad's settings name the generator: the daemon launches the run, it fails before any step writes, and
    its failure says which setting to change (the run-failure mail and the UI show that line)."""
    daemon = deployment.service("daemon")
    if not daemon.running:  # this test alone (after the runs above, the daemon runs)
        daemon.start()
    run_id = graphql.submit_job_execution(
        "daily_job",
        repository_location_name="envmon",
        repository_name="__repository__",
        run_config={"resources": {"settings": {"config": {"air_source": "generator"}}}},
        tags={"dagster/partition": DAYS[0]},
    )
    done = ("SUCCESS", "FAILURE", "CANCELED")
    wait_for(lambda: graphql.get_run_status(run_id).value in done, RUN_TIMEOUT, "the generator run finished")
    assert graphql.get_run_status(run_id).value == "FAILURE"
    said = postgres.query(
        "SELECT count(*) FROM event_logs WHERE run_id = %s AND event LIKE %s",
        [run_id, "%refuses the generator (demo data) as air and river source%ENVMON_AIR_SOURCE%"],
    )
    assert said[0][0] > 0, deployment.logs()[-3000:]
    written = postgres.query(
        "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type IN ('STEP_SUCCESS', "
        "'ASSET_MATERIALIZATION')",
        [run_id],
    )
    assert written == [(0,)]
    assert not list((Path(deployment.env["ENVMON_DATA_DIR"]) / "raw").glob("*/generator"))  # no generated batch
