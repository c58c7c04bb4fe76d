"""Run a dataset's Great Expectations suite on a batch and rebuild the Data Docs.

GX is imported here only (its import costs seconds and hundreds of MB, see DESIGN pitfalls). The suite is the
repository's JSON (``assets/quality/suites/<dataset>.json``) with its ``$PARAMETER`` values filled in per run.
GX validates a pandas frame converted from Polars (it cannot validate DuckDB here). The GX project (stores of
suites and results) lives in ``<data>/gx``, the Data Docs site in ``<data>/data_docs`` (open ``index.html``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.quality.specs import DatasetSpec

SITE = "envmon"


def run_suite(spec: DatasetSpec, frame: pl.DataFrame, params: dict, data_root: Path, run_name: str) -> dict:
    """Validate ``frame``; returns a summary (success, per-expectation unexpected counts) and the docs path."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    docs_dir = data_root / "data_docs"
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(data_root / "gx"))
    # no progress bars of GX's own inside the pipeline's output (envmon run draws its own)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if SITE not in context.get_site_names():
        context.add_data_docs_site(
            site_name=SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    suite = gx.ExpectationSuite(name=spec.name, meta={"notes": spec.suite().get("notes", "")})
    for exp in spec.suite()["expectations"]:
        suite.add_expectation(get_expectation_impl(exp["type"])(**exp["kwargs"], meta=exp.get("meta", {})))
    suite = context.suites.add_or_update(suite)
    source = context.data_sources.add_or_update_pandas("envmon")
    asset = next((a for a in source.assets if a.name == spec.name), None) or source.add_dataframe_asset(spec.name)
    batch = next((b for b in asset.batch_definitions if b.name == "batch"), None)
    batch = batch or asset.add_batch_definition_whole_dataframe("batch")
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=spec.name,
            validation_definitions=[validation],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE])],
            result_format={"result_format": "SUMMARY"},
        )
    )
    result = checkpoint.run(
        batch_parameters={"dataframe": frame.to_pandas()},
        expectation_parameters=params,
        run_id=gx.RunIdentifier(run_name=run_name),
    )
    outcome = next(iter(result.run_results.values()))
    expectations = [
        {
            "expectation": r.expectation_config.type,
            "column": r.expectation_config.kwargs.get("column") or r.expectation_config.kwargs.get("column_list"),
            "level": (r.expectation_config.meta or {}).get("level"),
            "success": bool(r.success),
            "unexpected_count": r.result.get("unexpected_count"),
            "error": (r.exception_info or {}).get("exception_message"),
        }
        for r in outcome.results
    ]
    return {
        "success": bool(outcome.success),
        "evaluated": len(expectations),
        "failed": sum(not e["success"] for e in expectations),
        "expectations": expectations,
        "data_docs": str(docs_dir / "index.html"),
    }
