"""Settings are read when a run starts: a changed ENVMON_* variable takes effect at the next run of the same loaded
code location, a run's resource config wins over it, and secrets never reach the run's config or event log."""

import dagster as dg
import polars as pl
import pytest

from assets.resources import MailResource, SettingsResource
from assets.settings import EnvmonSettings
from pipelines.definitions import defs
from warehouse.connection import read_connection

pytestmark = pytest.mark.pipeline

SEEDS = "dbt_like_sql/seeds/stations.csv"
STATIONS = dg.AssetKey(["seeds", "stations"])


def stations_in(data_dir) -> int:
    with read_connection(data_dir / "warehouse.duckdb") as con:
        return con.execute("SELECT count(*) FROM seeds.stations").fetchone()[0]


def test_a_changed_variable_takes_effect_at_the_next_run_without_reimporting(tmp_path, monkeypatch):
    few = tmp_path / "five_stations.csv"
    pl.read_csv(SEEDS).head(5).write_csv(few)
    job = defs.resolve_job_def("daily_job")  # loaded once, as a code location server holds it
    instance = dg.DagsterInstance.ephemeral()
    run = lambda **kw: job.execute_in_process(asset_selection=[STATIONS], instance=instance, **kw)  # noqa: E731

    monkeypatch.setenv("ENVMON_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ENVMON_STATIONS", raising=False)
    assert run().success
    assert stations_in(tmp_path / "data") == 30

    monkeypatch.setenv("ENVMON_STATIONS", str(few))
    assert run().success
    assert stations_in(tmp_path / "data") == 5

    monkeypatch.setenv("ENVMON_DATA_DIR", str(tmp_path / "other"))  # the warehouse resource follows it too
    assert run().success
    assert stations_in(tmp_path / "other") == 5

    given = {"resources": {"settings": {"config": {"stations_csv": SEEDS}}}}  # `envmon run --stations`
    assert run(run_config=given).success
    assert stations_in(tmp_path / "other") == 30


def test_secrets_are_never_configuration_nor_logged(tmp_path, monkeypatch):
    key = "openaq-secret-0123456789"
    monkeypatch.setenv("ENVMON_OPENAQ_API_KEY", key)
    monkeypatch.setenv("ENVMON_SMTP_PASSWORD", "smtp-secret-0123456789")
    monkeypatch.setenv("ENVMON_DATA_DIR", str(tmp_path / "data"))
    settings = EnvmonSettings.from_env()
    assert settings.openaq_api_key == key and key not in repr(settings)
    assert EnvmonSettings.from_env(openaq_api_key="given").openaq_api_key == key  # never from config
    assert "openaq_api_key" not in SettingsResource.model_fields and "password" not in MailResource.model_fields
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("daily_job").execute_in_process(asset_selection=[STATIONS], instance=instance)
    assert result.success
    logged = " ".join(str(e.dagster_event or e.user_message) for e in instance.all_logs(result.run_id))
    logged += str(instance.get_run_by_id(result.run_id).run_config)
    assert key not in logged and "smtp-secret" not in logged
