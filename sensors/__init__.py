"""Dagster sensors: the landing-folder sensor and (from other issues) delivery, failure and outage sensors."""
