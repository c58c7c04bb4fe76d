"""The Dagster code location and the ``envmon`` command line.

The data folder is ``ENVMON_DATA_DIR`` (``./data`` when unset, ``warehouse/paths.py``) and the Dagster instance
``$DAGSTER_HOME`` (``dagster/`` in the data folder when unset, ``pipelines/instance.py``); both are read where they
are used, and importing this package changes no environment variable.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
