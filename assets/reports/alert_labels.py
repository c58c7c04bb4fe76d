"""The alerts of a report as people read them: the kind, level, status and recipient role in Chinese on the page
(重污染天气预警, 橙色, 解除, 联合办公室), from the same words the alert mails use. The CSV/XLSX exports keep the codes
(area_warning, orange, lifted, joint_office), which is what a query of alerts.events returns."""

from __future__ import annotations

import polars as pl

from assets.alerts.mail.digest_render import KINDS
from assets.alerts.mail.email_render import LEVELS, STATUSES

ACTIVE = ("生效中", "active")  # a status of the lifecycle that is never mailed (no change that day)
ROLES = {
    "joint_office": "联合办公室",
    "area_air_office": "区县大气办",
    "river_chief": "河长办",
    "data_operations": "数据运维",
}


def labelled(frame: pl.DataFrame | None) -> pl.DataFrame | None:
    """``frame`` with its kind, level, status and role columns in Chinese (unknown codes are kept as they are)."""
    if frame is None:
        return None
    words = {
        "kind": {k: zh for k, (zh, _) in KINDS.items()},
        "level": {k: zh or "—" for k, (zh, _) in LEVELS.items()},
        "status": {k: zh for k, (zh, _) in STATUSES.items()} | {"active": ACTIVE[0]},
        "role": ROLES,
    }
    return frame.with_columns(
        pl.col(c).cast(pl.String).replace(mapping) for c, mapping in words.items() if c in frame.columns
    )
