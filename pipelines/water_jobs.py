"""The monitoring-centre file job: ingest one file, then rebuild what depends on river readings and publish."""

import dagster as dg

from assets.water.assets import WATER_FILES_KEY
from sensors.water_landing import WATER_FILE_JOB

WATER_READINGS_KEY = dg.AssetKey(["staging", "water_readings"])


def water_file_job(assets: list[dg.AssetsDefinition], snapshot_key: dg.AssetKey):
    """The file asset, every unpartitioned asset downstream of the river readings (marts, and whatever other
    issues build on them) with the seeds they read, and the published snapshot; partitioned assets stay with the
    daily job."""
    # per asset key (the SQL models are specs of one multi-asset): key -> the keys it reads
    deps = {key: set(up) for a in assets if a.partitions_def is None for key, up in a.asset_deps.items()}
    downstream = {WATER_READINGS_KEY}
    changed = True
    while changed:  # transitive closure
        changed = False
        for key, up in deps.items():
            if key not in downstream and up & downstream:
                downstream.add(key)
                changed = True
    # the seeds those models read (cheap to reload; they may not exist yet when a file arrives first)
    seeds = {k for key in downstream for k in deps.get(key, ()) if k.path[0] == "seeds"}
    keys = sorted((downstream | seeds) - {WATER_READINGS_KEY}, key=lambda k: k.to_user_string())
    return dg.define_asset_job(
        name=WATER_FILE_JOB,
        selection=dg.AssetSelection.assets(WATER_FILES_KEY) | dg.AssetSelection.assets(*keys, snapshot_key),
        description="One monitoring-centre water file: load it, rebuild the water marts, publish the snapshot.",
    )
