"""The landing-folder sensor: one run of ``water_file_job`` per new monitoring-centre file in <data>/landing/water/.

Run key = the file's content hash, so Dagster never starts two runs for the same content; a file still being
written is left for a later tick (see ``assets.water.landing_scan``).
"""

import time

import dagster as dg

from assets.settings import EnvmonSettings
from assets.water.landing_scan import scan_landing

WATER_FILE_JOB = "water_file_job"


def landing_folder(settings: dg.ResourceParam[EnvmonSettings]):
    return settings.paths.landing / "water"


@dg.sensor(
    name="water_landing_sensor",
    job_name=WATER_FILE_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts one water_file_job run per new file in <data>/landing/water/ (CSV or XLSX, UTF-8 or GBK).",
)
def water_landing_sensor(context: dg.SensorEvaluationContext, settings: dg.ResourceParam[EnvmonSettings]):
    folder = landing_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    ready, cursor = scan_landing(folder, context.cursor, time.time())
    context.update_cursor(cursor)
    if not ready:
        return dg.SkipReason(f"no settled new file in {folder}")
    return [
        dg.RunRequest(
            run_key=f.run_key,
            run_config={"ops": {"staging__water_files": {"config": {"paths": [str(f.path)]}}}},
            tags={"envmon/file": f.path.name, "envmon/content_hash": f.content_hash},
        )
        for f in ready
    ]
