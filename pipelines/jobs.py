"""Jobs and schedules."""

import dagster as dg

from pipelines.deployment import schedule_status

daily_job = dg.define_asset_job(
    name="daily_job",
    # monitoring-centre files are ingested by their own runs (water_file_job, started by the landing sensor)
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.assets(dg.AssetKey(["staging", "water_files"]))
    - dg.AssetSelection.groups("reports"),  # month/year partitions: their own jobs (pipelines/report_jobs.py)
    description="The day (or a window of days, as one run): air and river readings in, validated and staged, the "
    "models and alerts of those days, the snapshot published.",
)

# 09:00 China Standard Time, for the previous day's partition.
daily_schedule = dg.build_schedule_from_partitioned_job(
    daily_job, hour_of_day=9, minute_of_hour=0, default_status=schedule_status()
)
