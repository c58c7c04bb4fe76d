"""The exceptional-event file (例外事件) as the seed ``seeds.air_exceptional_events``: checked against the
station catalog and the areas, loaded whole (``assets.air.exceptional_events``)."""

import dagster as dg

from assets.air.assets import station_catalog
from assets.air.exceptional_events import ensure_events_file, events_path, known_codes, load_events
from assets.automation import REFERENCE_TAGS
from assets.metadata import markdown_table
from assets.partitions import WRITER_POOL
from assets.resources import WarehouseResource
from assets.settings import EnvmonSettings
from warehouse.partitions import replace_table


@dg.asset(
    key=["seeds", "air_exceptional_events"],
    tags=REFERENCE_TAGS,
    group_name="seeds",
    deps=[station_catalog],
    pool=WRITER_POOL,
    kinds={"duckdb", "csv"},
    description="Exceptional events (例外事件): station-days or area-days set aside in the attainment statistics, "
    "with the reason and who approved them (ENVMON_EXCEPTIONAL_EVENTS, default exceptional_events.csv in the data "
    "folder, created from the seed on first use; `envmon exclude` adds one). The data themselves stay.",
)
def exceptional_events(
    settings: dg.ResourceParam[EnvmonSettings], warehouse: WarehouseResource
) -> dg.MaterializeResult:
    stations, areas = known_codes(settings.stations_csv)
    path = ensure_events_file(events_path(settings.exceptional_events_csv, settings.data_dir))
    events = load_events(path, stations, areas)
    with warehouse.connect() as con:
        replace_table(con, "seeds.air_exceptional_events", events)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": events.height,
            "file": str(path),
            "events": dg.MetadataValue.md(markdown_table(events, 30) if events.height else "none"),
        }
    )
