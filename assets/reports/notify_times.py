"""The report's "time to notify / time to acknowledge" section (the Danube AEWS's receipt confirmation, across the
provincial border): per recipient role and alert kind, the median, 95th percentile and maximum minutes from the
triggering data's arrival to the delivered mail, and from the delivered mail to the recipient's acknowledgement
(`envmon ack`), for the alerts first told in the period (alerts.ledger)."""

from __future__ import annotations

import duckdb
import polars as pl

from assets.reports.period import ReportPeriod
from warehouse.connection import fetch_one, fetch_polars

TABLE = "notify_times"
COLUMNS = {
    "role": "角色 Role",
    "kind": "类型 Kind",
    "alerts": "预警·收件人 Alert-recipients",
    "delivered": "已送达 Delivered",
    "notify_median_min": "通知中位数 Notify median (min)",
    "notify_p95_min": "通知P95 (min)",
    "notify_max_min": "通知最大 Notify max (min)",
    "acknowledged": "已确认 Acknowledged",
    "ack_median_min": "确认中位数 Ack median (min)",
    "ack_p95_min": "确认P95 (min)",
    "ack_max_min": "确认最大 Ack max (min)",
}


HEADING = "九、预警通知与确认时效 Time to notify / time to acknowledge"
TEXT = (
    "自触发数据到达至邮件送达（通知）、自送达至收件人确认（envmon ack）的分钟数，按收件角色与预警类型统计（中位数、"
    "95百分位、最大值）。Minutes from the triggering data's arrival to the delivered mail, and from delivery to the "
    "recipient's acknowledgement, per recipient role and alert kind."
)


def read_notify_times(con: duckdb.DuckDBPyConnection, period: ReportPeriod) -> pl.DataFrame | None:
    """The section's table, or None where the ledger is not built in this deployment."""
    if not fetch_one(
        con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'alerts' AND table_name = 'ledger'"
    )[0]:
        return None
    return fetch_polars(
        con,
        """
        SELECT role, kind, count(*) AS alerts, count(delivered_at) AS delivered,
               round(median(minutes_to_notify), 1) AS notify_median_min,
               round(quantile_cont(minutes_to_notify, 0.95), 1) AS notify_p95_min,
               round(max(minutes_to_notify), 1) AS notify_max_min,
               count(acknowledged_at) AS acknowledged,
               round(median(minutes_to_acknowledge), 1) AS ack_median_min,
               round(quantile_cont(minutes_to_acknowledge, 0.95), 1) AS ack_p95_min,
               round(max(minutes_to_acknowledge), 1) AS ack_max_min
        FROM alerts.ledger WHERE first_day BETWEEN ? AND ?
        GROUP BY role, kind
        ORDER BY list_position(['joint_office', 'area_air_office', 'river_chief', 'data_operations'], role), kind
        """,
        [period.start, period.end],
    )
