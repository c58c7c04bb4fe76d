"""The alert rules' configuration (assets/alerts/rules/rules.yaml, or the file in ENVMON_ALERT_RULES)."""

from __future__ import annotations

from pathlib import Path

import yaml

from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.yaml_files import load_yaml

DEFAULT_RULES = Path(__file__).with_name("rules.yaml")
SECTIONS = ("warning", "regional", "observed", "river", "outage", "notify")


def load_rules(path: Path = DEFAULT_RULES) -> dict:
    """The rules in ``path`` (``AlertSettings.rules``: ENVMON_ALERT_RULES, else the shipped rules.yaml)."""
    path = Path(path)
    try:
        rules = load_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the alert rules: {exc}") from None
    missing = [s for s in SECTIONS if not isinstance((rules or {}).get(s), dict)]
    if missing:
        raise ValueError(f"{path}: missing section(s) {', '.join(missing)}")
    for i, level in enumerate(rules["warning"].get("levels") or [], start=1):
        if level.get("level") not in ("yellow", "orange", "red") or not level.get("any_of"):
            raise ValueError(f"{path}: warning.levels #{i}: needs level (yellow|orange|red) and any_of")
    NotifyRules.from_rules(rules, str(path))  # validates the notify section, naming the file
    return rules
