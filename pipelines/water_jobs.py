"""The monitoring-centre file job: ingest one file, with the reference tables it and its downstream read (cheap to
reload; they may not exist yet when a file arrives first). The days its readings change are materializations of
staging/water_readings; their marts, river alerts and the snapshot follow by propagation (the automation sensor
where the daemon runs; after ``envmon ingest``, ``pipelines/propagation.py`` runs what Dagster's evaluation of
the same conditions requests)."""

import dagster as dg

from assets.automation import REFERENCE
from assets.water.assets import WATER_FILES_KEY
from sensors.water_landing import WATER_FILE_JOB

water_file_job = dg.define_asset_job(
    name=WATER_FILE_JOB,
    selection=REFERENCE | dg.AssetSelection.assets(WATER_FILES_KEY),
    description="One monitoring-centre water file: load it; the days it changed are re-derived by propagation.",
)
