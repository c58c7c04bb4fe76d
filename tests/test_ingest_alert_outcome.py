"""`envmon ingest` ends with the alerts its files raised, changed or retracted (issue 24): the state changes
first evaluated since the command started, not those of earlier commands, not an unchanged re-evaluation."""

import datetime as dt

from pipelines.commands.alert_summary import alert_outcome
from tests.test_alerts_lifecycle import D, step, warn
from warehouse.connection import write_connection
from warehouse.paths import DataPaths

EARLIER, STARTED = dt.datetime(2026, 1, 11, 8), dt.datetime(2026, 1, 11, 9)


def test_the_outcome_lists_what_the_command_raised_changed_and_retracted(data_dir, monkeypatch):
    monkeypatch.setattr("tests.test_alerts_lifecycle.NOW", EARLIER)  # an earlier command issued 荣昌's warning
    with write_connection(DataPaths(data_dir).warehouse) as con:
        step(con, D, [warn("orange", "荣昌")])
    assert alert_outcome(STARTED) == ["alerts: none raised, changed or retracted by these files"]

    monkeypatch.setattr("tests.test_alerts_lifecycle.NOW", STARTED)
    with write_connection(DataPaths(data_dir).warehouse) as con:
        step(con, D, [warn("orange", "荣昌")])  # re-evaluated unchanged: not an outcome
        step(con, D, [warn("red", "荣昌"), warn("yellow")])  # 荣昌's issue corrected to red (changed); 自贡's issued
        step(con, D + dt.timedelta(days=1), [warn("red", "荣昌")])  # 自贡's lifted
        step(con, D, [warn("red", "荣昌")])  # 自贡's issue corrected away: retracted
    lines = alert_outcome(STARTED)
    assert lines[0] == "alerts: 1 raised, 2 changed, 1 retracted:"
    said = "\n".join(lines[1:])
    assert (
        "发布 issued     2026-01-10 red    重污染天气预警 (heavy air pollution warning) [area_warning/荣昌/2026-01-10]"
        in said
    )
    for verb in ("发布 issued ", "解除 lifted ", "撤回 retracted "):
        assert verb in said and said.count("area_warning/自贡/2026-01-10") == 3
    assert "immediate e-mail(s)" in said
