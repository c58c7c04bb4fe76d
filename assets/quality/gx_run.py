"""Run a dataset's Great Expectations suite on a batch and rebuild the Data Docs.

GX is imported here only (its import costs seconds and hundreds of MB, see DESIGN pitfalls). The suite is the
repository's JSON (``assets/quality/suites/<dataset>.json``) with its ``$PARAMETER`` values filled in per run.
GX validates a pandas frame converted from Polars (it cannot validate DuckDB here). The GX project (stores of
suites and results) lives in ``<data>/gx``, the Data Docs site in ``<data>/data_docs`` (open ``index.html``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from assets.quality.specs import DatasetSpec

SITE = "envmon"
# The Data Docs index links the latest validations only: GX reads every linked result to rebuild the index after
# each batch, which would grow by two results a day. Older pages stay in the site folder.
DOCS_INDEX_LIMIT = 60
VIEWS = "assets.quality.gx_views"  # page views with a template cache (see there)
SITE_STORE = "assets.quality.gx_site_store"  # offline pages (vendored CSS/JS/fonts), atomic writes (see there)
RESULT_FORMAT = {"result_format": "SUMMARY"}


def run_suite(spec: DatasetSpec, frame: pl.DataFrame, params: dict, data_root: Path, run_name: str) -> dict:
    """Validate ``frame``; returns a summary (success, per-expectation unexpected counts) and the docs path."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(data_root / "gx"))
    # no progress bars of GX's own inside the pipeline's output (envmon run draws its own)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    docs_dir = data_root / "data_docs"
    checkpoint = _checkpoint(context, spec, docs_dir)
    result = checkpoint.run(
        batch_parameters={"dataframe": _for_gx(frame)},
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


def _for_gx(frame: pl.DataFrame):
    """The pandas frame GX validates. GX compares datetimes vectorised only at nanosecond resolution; Polars'
    microseconds take a per-value Python path (~0.6 s per timestamp expectation on a national day). A timestamp
    outside nanoseconds' years 1677-2262 (a garbage row, quarantined by the row rules) keeps the slow path."""
    try:
        return frame.with_columns(pl.col(pl.Datetime).dt.cast_time_unit("ns")).to_pandas()
    except pl.exceptions.InvalidOperationError:
        return frame.to_pandas()


def _checkpoint(context, spec: DatasetSpec, docs_dir: Path):
    """The dataset's checkpoint in the GX project, (re)created only when the repository's suite or the docs site
    changed: the stored suite carries the hash of both, so an unchanged project costs one lookup instead of rewriting
    suite, data source, validation definition and checkpoint on every batch."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    definition = spec.suite()
    site = _site_config(docs_dir)
    digest = hashlib.sha256(json.dumps([definition, site, RESULT_FORMAT], sort_keys=True).encode()).hexdigest()[:16]
    try:
        checkpoint = context.checkpoints.get(spec.name)
    except gx.exceptions.DataContextError:  # a new project
        checkpoint = None
    except ValueError:  # a stored checkpoint that no longer loads (edited, or its data asset gone): write it anew
        store = context.checkpoint_store
        store.remove_key(store.get_key(name=spec.name, id=None))
        checkpoint = None
    if checkpoint and checkpoint.validation_definitions[0].suite.meta.get("envmon_suite_sha") == digest:
        return checkpoint
    if SITE in context.get_site_names():
        context.update_data_docs_site(SITE, site)
    else:
        context.add_data_docs_site(SITE, site)
    # expectations go in through the constructor: add_expectation on a suite whose name is already stored
    # writes the suite back to the store once per expectation
    suite = gx.ExpectationSuite(
        name=spec.name,
        expectations=[
            get_expectation_impl(exp["type"])(**exp["kwargs"], meta=exp.get("meta", {}))
            for exp in definition["expectations"]
        ],
        meta={"notes": definition.get("notes", ""), "envmon_suite_sha": digest},
    )
    suite = context.suites.add_or_update(suite)
    try:  # one data source for every dataset: replacing it would drop the other datasets' assets
        source = context.data_sources.get("envmon")
    except KeyError:
        source = context.data_sources.add_pandas("envmon")
    try:
        asset = source.get_asset(spec.name)
    except LookupError:
        asset = source.add_dataframe_asset(spec.name)
    batch = next((b for b in asset.batch_definitions if b.name == "batch"), None)
    batch = batch or asset.add_batch_definition_whole_dataframe("batch")
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
    )
    return context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=spec.name,
            validation_definitions=[validation],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE])],
            result_format=RESULT_FORMAT,
        )
    )


def _site_config(docs_dir: Path) -> dict:
    return {
        "class_name": "SiteBuilder",
        "store_backend": {
            "module_name": SITE_STORE,
            "class_name": "OfflineSiteStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": DOCS_INDEX_LIMIT,
            "view": {"module_name": VIEWS, "class_name": "CachedIndexPageView"},
        },
        "site_section_builders": {
            "expectations": {"view": {"module_name": VIEWS, "class_name": "CachedPageView"}},
            "validations": {"view": {"module_name": VIEWS, "class_name": "CachedPageView"}},
            "profiling": "None",  # envmon does not profile; GX would scan every result for profiling runs
        },
    }
