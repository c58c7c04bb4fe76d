"""The joint status page (联防联控看板): static files built from the published snapshot (docs/status-page.md).

Plain Python and DuckDB, no Dagster: ``build`` writes the page, ``serve`` serves it on a workstation."""
