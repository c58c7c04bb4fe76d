"""Typed configuration: a typo in the rules or the contacts file fails at load with the file and the key named;
who receives which kind of alert is rules data; the resources read their ENVMON_* variables when each run starts."""

import dagster as dg
import pytest

from assets.alerts.notify.contacts import EXAMPLE_FILE, ContactsError, load_contacts
from assets.alerts.rules.candidates import NO_PLACE, area_places, river_places
from assets.alerts.rules.rules_config import DEFAULT_RULES, RulesError, capture_rule, load_rules
from assets.resources import AlertingResource, HttpResource, SettingsResource, default_resources
from assets.settings import AlertSettings, EnvmonSettings, HttpSettings


def edited(tmp_path, source, name, *replacements):
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("lift_clear_hours: 36", "lift_clear_hous: 36", "warning: unknown key 'lift_clear_hous' (expected standard, "),
        (
            "{level: yellow, any_of: [{days_above: {200: 2}}]}",
            "{level: yellow, any_of: [{days_abvoe: {200: 2}}]}",
            "warning.levels[#3].any_of[#1]: unknown key 'days_abvoe' (expected days_above, reach)",
        ),
        ("  min_areas: 3", "  min_area: 3", "regional: unknown key 'min_area'"),
        ("incident_factor: 3.0", "incident_factor: three", "river.incident_factor: Input should be a valid number"),
        ("{kind: river_incident, status: [issued, upgraded]}", "{kind: river_incidents}", "notify.immediate[#3].kind"),
        ("[{role: data_operations}]", "[{role: data_operation}]", "recipients.data_outage[#1].role"),
        ("[{role: river_chief, per: river}, {role: joint_office}]", "[{role: river_chief}]", "needs per: river"),
        (
            "  min_daily_readings_water: 5",
            "  min_daily_readings_water: 5\n  min_daily_hours_air: 20",
            "outage: min_daily_hours_air is no longer set here: remove it; the valid hours of a day are the row "
            "daily_mean_hours of dbt_like_sql/seeds/air_data_capture.csv",
        ),
    ],
)
def test_a_typo_in_the_rules_names_the_file_and_the_key(tmp_path, old, new, message):
    path = edited(tmp_path, DEFAULT_RULES, "my-rules.yaml", (old, new))
    with pytest.raises(RulesError) as err:
        load_rules(path)
    assert f"{path}: " in str(err.value) and message in str(err.value)


def test_every_problem_of_the_rules_is_listed_and_a_missing_section_named(tmp_path):
    path = edited(tmp_path, DEFAULT_RULES, "r.yaml", ("heavy_aqi: 200", "heavy_aq: 200"), ("digest_hour: 10", "x: 1"))
    with pytest.raises(RulesError) as err:
        load_rules(path)
    lines = str(err.value).splitlines()
    assert lines[0] == f"{path}: the alert rules: 3 problems"
    assert lines[1:] == [
        f"{path}: warning: missing key 'heavy_aqi'",
        f"{path}: warning: unknown key 'heavy_aq' (expected standard, standard_zh, heavy_aqi, levels, lift_clear_hours,"
        " merge_gap_days, count_observed_days, forecast_horizon_days, forecast_coverage_days)",
        f"{path}: notify: unknown key 'x' (expected immediate, follow_up_immediately, group_by, digest_hour, "
        "remind_unacknowledged_after_hours, remind_for_days)",
    ]
    path.write_text(DEFAULT_RULES.read_text(encoding="utf-8").split("recipients:")[0], encoding="utf-8")
    with pytest.raises(RulesError, match=r"r.yaml: missing key 'recipients'"):
        load_rules(path)


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("area: 自贡, name:", "aera: 自贡, name:", "contacts[#1]: unknown key 'aera' (expected role, name, email, "),
        ("email: laixi.cq@example.cn", "emial: laixi.cq@example.cn", "contacts[#11]: unknown key 'emial'"),
        ("email: laixi.sc@example.cn", "email: laixi.sc@example", "contacts[#12].email: not a valid address"),
        ("river: 沱江, province: 四川,", "river: 沱江,", "contacts[#21]: a river chief needs river and province"),
        ("contacts:\n", "contact:\n", "unknown key 'contact'"),
    ],
)
def test_a_typo_in_the_contacts_names_the_file_and_the_key(tmp_path, old, new, message):
    path = edited(tmp_path, EXAMPLE_FILE, "my-contacts.yaml", (old, new))
    with pytest.raises(ContactsError) as err:
        load_contacts(path)
    assert f"{path}: " in str(err.value) and message in str(err.value)


def test_who_receives_which_kind_is_rules_data(tmp_path):
    rules = load_rules()
    assert rules.recipients.selectors("river_incident", river_places("濑溪河")) == [
        {"role": "river_chief", "river": "濑溪河"},
        {"role": "joint_office"},
    ]
    assert rules.recipients.selectors("data_outage", NO_PLACE) == [{"role": "data_operations"}]
    both = edited(
        tmp_path,
        DEFAULT_RULES,
        "r.yaml",
        ("data_outage:      [{role: data_operations}]", "data_outage: [{role: data_operations}, {role: joint_office}]"),
        (
            "observed_heavy:   [{role: area_air_office, per: area}, {role: joint_office}]",
            "observed_heavy: [{role: area_air_office, per: area}]",
        ),
    )
    changed = load_rules(both).recipients
    assert changed.selectors("data_outage", NO_PLACE) == [{"role": "data_operations"}, {"role": "joint_office"}]
    assert changed.selectors("observed_heavy", area_places("荣昌")) == [{"role": "area_air_office", "area": "荣昌"}]


def test_the_20_valid_hours_have_one_place_the_capture_seed():
    assert load_rules().outage.min_daily_hours_air == capture_rule("daily_mean_hours") == 20
    assert "min_daily_hours_air" not in DEFAULT_RULES.read_text(encoding="utf-8").split("outage:")[1].split("\n\n")[0]


@pytest.mark.parametrize(
    "resource, settings",
    [(SettingsResource, EnvmonSettings), (HttpResource, HttpSettings), (AlertingResource, AlertSettings)],
)
def test_every_setting_is_a_resource_field_and_no_secret_is(resource, settings):
    from dataclasses import fields

    assert set(resource.model_fields) == {f.name for f in fields(settings)} - settings.SECRETS
    for name, field in resource.model_fields.items():
        assert field.default is None and settings.variable(name) in field.description


@pytest.mark.pipeline
def test_settings_changed_between_two_runs_in_one_process_take_effect(tmp_path, monkeypatch):
    """One loaded job with the code location's own resources, run twice in one process: each run reads the
    variables as they are when it starts (settings, live-source limits, alert files, mail server); the second run's
    rules file has a typo, and that run fails naming the file and the key."""
    seen = []

    @dg.op
    def read_settings(
        settings: dg.ResourceParam[EnvmonSettings],
        http: dg.ResourceParam[object],
        alerting: dg.ResourceParam[AlertSettings],
        mail: dg.ResourceParam[object],
    ):
        seen.append((settings.air_source, settings.generator_seed, http.connect_timeout, mail.host, alerting.rules))
        load_rules(alerting.rules)

    job = dg.GraphDefinition(name="settings_probe", node_defs=[read_settings]).to_job(resource_defs=default_resources())
    for name in ("ENVMON_AIR_SOURCE", "ENVMON_GENERATOR_SEED", "ENVMON_SMTP_HOST", "ENVMON_ALERT_RULES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENVMON_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ENVMON_HTTP_CONNECT_TIMEOUT", "4")
    instance = dg.DagsterInstance.ephemeral()
    assert job.execute_in_process(instance=instance).success

    typo = edited(tmp_path, DEFAULT_RULES, "typo.yaml", ("heavy_aqi: 200", "heavy_aqi: 200\n  heavy_aqui: 300"))
    monkeypatch.setenv("ENVMON_AIR_SOURCE", "archive")
    monkeypatch.setenv("ENVMON_GENERATOR_SEED", "7")
    monkeypatch.setenv("ENVMON_HTTP_CONNECT_TIMEOUT", "2.5")
    monkeypatch.setenv("ENVMON_SMTP_HOST", "smtp.example.cn")
    monkeypatch.setenv("ENVMON_ALERT_RULES", str(typo))
    failed = job.execute_in_process(instance=instance, raise_on_error=False)
    assert seen == [
        ("generator", 2023, 4.0, "", DEFAULT_RULES),
        ("archive", 7, 2.5, "smtp.example.cn", typo),
    ]
    assert not failed.success
    (error,) = [e.step_failure_data.error for e in failed.all_events if e.is_step_failure]
    assert f"{typo}: warning: unknown key 'heavy_aqui'" in error.cause.message  # the step's own error

    given = {"resources": {"settings": {"config": {"generator_seed": 11}}, "http": {"config": {"http_deadline": 9}}}}
    monkeypatch.delenv("ENVMON_ALERT_RULES")
    assert job.execute_in_process(instance=instance, run_config=given).success  # a run's config wins
    assert seen[-1][:2] == ("archive", 11)
