"""The published snapshot: the last step of every run that changes the warehouse."""

import dagster as dg

from assets.automation import changed_upstream
from assets.partitions import WRITER_POOL
from assets.settings import EnvmonSettings
from status_page.build import refresh_after_publish
from warehouse.snapshot import publish_snapshot


def snapshot_asset(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["published", "snapshot"],
        group_name="publish",
        deps=upstream,
        pool=WRITER_POOL,
        kinds={"duckdb"},
        automation_condition=changed_upstream,
        description=(
            "Read-only copy of the warehouse for staff and `envmon query`, replaced atomically after each run: "
            "readers never wait for the pipeline and never block it. The copy is read through first (the tables "
            "the run changed: DuckDB checks each block's checksum) and a corrupt one is never published."
        ),
    )
    def published_snapshot(
        context: dg.AssetExecutionContext, settings: dg.ResourceParam[EnvmonSettings]
    ) -> dg.MaterializeResult:
        paths = settings.paths
        verify = tables_to_check(context.run.asset_selection, upstream)
        size = publish_snapshot(paths.warehouse, paths.snapshot, verify)
        # never fails the run; links the reports already written
        page = refresh_after_publish(paths.snapshot, paths.status_page, paths.reports, context.log.warning)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(paths.snapshot)),
                "status_page": dg.MetadataValue.path(str(page)) if page else "not refreshed (see the warning)",
                "size_mb": round(size / 1e6, 2),
                "checked": "every table" if verify is None else f"{len(verify)} asset table(s) and side tables",
            }
        )

    return published_snapshot


# The tables no asset is named after: written alongside an asset's own table (batches, quarantine, value flags,
# alert bookkeeping, forecasts). Small beside the hourly tables; every run that publishes reads them through.
SIDE_SCHEMAS = ("alerts", "meta", "quarantine", "forecast")


def tables_to_check(selection: frozenset[dg.AssetKey] | None, upstream: list[dg.AssetKey]) -> list[str] | None:
    """What a run's publish reads through: the tables of the assets the run selected (keys ``schema/table``), the
    side schemas, and the staging tables of the domain (``air_*``, ``water_*``) of the staging assets it ran. Every
    table (None) when the run selected the whole job, or nothing but the snapshot (it cannot know what changed)."""
    if selection is None:
        return None
    chosen = {".".join(k.path) for k in selection if k in set(upstream) and len(k.path) == 2}
    if not chosen:
        return None
    # value flags, published/modelled hours, province reports: written by the air or water staging steps
    side = {f"staging.{name.split('.')[1].split('_')[0]}_*" for name in chosen if name.startswith("staging.")}
    return sorted(chosen | side | set(SIDE_SCHEMAS))
