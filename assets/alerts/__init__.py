"""Alerts: forecast input, warning and alert rules, the alert lifecycle, e-mail rendering and guaranteed delivery."""
