"""Dagster assets by domain, and the plain-Python logic they call."""
