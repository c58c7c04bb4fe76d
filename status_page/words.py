"""The words of the alerts as people read them, taken from the alert mails (one place): the page shows the same
重污染天气预警 / 橙色 / 生效中 / 河长办 as the e-mail that told the official."""

from __future__ import annotations

from assets.alerts.mail.digest_render import KINDS
from assets.alerts.mail.email_render import COLOURS, DATA_STATUSES, LEVELS, STATUSES
from assets.reports.alert_labels import ACTIVE, ROLES


def labels() -> dict:
    return {
        "kinds": {k: list(v) for k, v in KINDS.items()},
        "levels": {k: list(v) for k, v in LEVELS.items()},
        "statuses": {k: list(v) for k, v in STATUSES.items()} | {"active": list(ACTIVE)},
        "data_statuses": {k: list(v) for k, v in DATA_STATUSES.items()},
        "roles": ROLES,
        "level_colours": COLOURS,
    }
