"""The published snapshot: the last step of every run that changes the warehouse."""

import dagster as dg

from assets.automation import changed_upstream
from assets.partitions import WRITER_POOL
from assets.settings import EnvmonSettings
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
            "readers never wait for the pipeline and never block it."
        ),
    )
    def published_snapshot(settings: dg.ResourceParam[EnvmonSettings]) -> dg.MaterializeResult:
        paths = settings.paths
        size = publish_snapshot(paths.warehouse, paths.snapshot)
        return dg.MaterializeResult(
            metadata={"path": dg.MetadataValue.path(str(paths.snapshot)), "size_mb": round(size / 1e6, 2)}
        )

    return published_snapshot
