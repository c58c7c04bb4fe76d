"""How many days of Open-Meteo (CAMS) forecast a run fetches: the fallback forecast for the warnings.

The official forecast of the provinces' forecast centres (CSV files, ENVMON_FORECAST_INPUT) is the primary input;
with the embedded generator its own forecast stands in. With a live air source there is usually no other forecast
at hand, so Open-Meteo's is fetched by default (3 days: the national criteria look 3 days ahead); an explicit
ENVMON_OPENMETEO_FORECAST_DAYS (0 = off) wins. Offline sources (generator, archive) fetch nothing unless asked.
"""

LIVE_SOURCES = ("livefeed", "openaq", "open_meteo")
LIVE_DEFAULT_DAYS = 3


def forecast_days(air_source: str, configured: int) -> int:
    """``configured``: ENVMON_OPENMETEO_FORECAST_DAYS, or -1 when it is not set."""
    if configured >= 0:
        return configured
    return LIVE_DEFAULT_DAYS if air_source in LIVE_SOURCES else 0
