"""A monitoring-centre file reaches the river-chief alerts, for a day ten days back, through `envmon ingest`; a
corrected file retracts the alert, and the record keeps what was said (issue 24). The same scenario through the
landing sensor and the daemon's automation: tests/test_propagation_equivalence.py."""

import datetime as dt

import duckdb
import pytest

from pipelines.cli import main as envmon
from tests.propagation_scenario import DAYS, FILE_DAY, eleven_days_run
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]


def border_file(path, tp: float, ph: str = "7.6"):
    """The whole natural day of 濑溪河 泸县入境 (the border section, target class III), total phosphorus around
    ``tp`` (real readings move: six equal ones would be flagged as a stuck probe); ``ph`` as the analyser wrote it."""
    times = [dt.datetime.combine(FILE_DAY, dt.time(0)) + dt.timedelta(hours=h) for h in (4, 8, 12, 16, 20, 24)]
    lines = ["断面名称,监测时间,pH(无量纲),溶解氧(mg/L),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L)"]
    lines += [
        f"濑溪河 泸县入境(川渝界),{t:%Y-%m-%d %H:%M},{ph},8.2,3.1,0.35,{tp + 0.005 * i:.3f}"
        for i, t in enumerate(times)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def river_alert(data_dir) -> tuple[str, int] | None:
    """(status, e-mails queued for it) of the border section's river alert on the file's day (a border exceedance:
    mailed at once, to each recipient in one mail)."""
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        row = con.execute(
            "SELECT l.status, count(d.recipient) FROM alerts.event_states AS l "
            "LEFT JOIN alerts.notifications AS n ON n.change_id = l.message_id "
            "LEFT JOIN alerts.deliveries AS d ON d.message_id = n.message_id AND d.recipient = n.recipient "
            "WHERE l.kind = 'river_exceedance' AND l.subject = 'LXH05' AND l.day = ? GROUP BY 1",
            [FILE_DAY],
        ).fetchall()
        return row[0] if row else None
    finally:
        con.close()


def test_envmon_ingest_raises_the_river_alert_of_a_day_ten_days_back_and_a_correction_retracts_it(
    data_dir, tmp_path, tmp_path_factory, capsys
):
    eleven_days_run(tmp_path_factory, data_dir)  # `envmon run` of the eleven days, FILE_DAY ten days back
    assert river_alert(data_dir) is None  # the generated day is compliant at the border
    capsys.readouterr()

    # TP 0.36-0.385: class V; pH unreadable in every row (a value-level problem: the readings stay, pH NULL, UNP)
    assert envmon(["ingest", str(border_file(tmp_path / "泸县入境.csv", 0.36, ph="abc"))]) == 0
    status, emails = river_alert(data_dir)
    assert status == "issued" and emails >= 3  # the river chiefs of both provinces and the joint office
    said = capsys.readouterr().out  # the command ends with the alerts its file raised (and the next day's lift)
    assert "alerts: 1 raised, 1 changed, 0 retracted:" in said
    assert f"发布 issued     {FILE_DAY}" in said and f"river_exceedance/LXH05/{FILE_DAY}" in said

    assert envmon(["ingest", str(border_file(tmp_path / "泸县入境_更正.csv", 0.05))]) == 0  # the centre's correction
    status, emails = river_alert(data_dir)
    assert status == "retracted" and emails >= 3
    assert "alerts: 0 raised, 0 changed, 1 retracted:" in capsys.readouterr().out
    record = alert_record(data_dir)
    # append-only: the issue and the lift of the next day stay, the retraction and the lift's void are added
    assert record["log"][:2] == [(FILE_DAY, 0, "issued"), (FILE_DAY, 1, "retracted")]
    assert (DAYS[1], 0, "lifted") in record["log"] and (DAYS[1], 1, "void") in record["log"]
    assert record["ledger"] == {("retracted", record["file_received_at"])}  # the file that raised it


def alert_record(data_dir) -> dict:
    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        log = con.execute(
            "SELECT day, revision, status FROM alerts.event_log WHERE kind = 'river_exceedance' "
            "AND subject = 'LXH05' AND event_id LIKE ? ORDER BY day, revision",
            [f"%/{FILE_DAY}"],
        ).fetchall()
        ledger = set(
            con.execute(
                "SELECT status, data_arrived_at FROM alerts.ledger WHERE kind = 'river_exceedance' "
                "AND subject = 'LXH05'"
            ).fetchall()
        )
        (received,) = con.execute(  # the first of the two files (the correction came later)
            "SELECT min(received_at) FROM meta.batches WHERE dataset = 'water_readings' AND source = 'file'"
        ).fetchone()
        return {"log": log, "ledger": ledger, "file_received_at": received}
    finally:
        con.close()
