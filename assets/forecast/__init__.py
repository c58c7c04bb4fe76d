"""Forecast daily AQI per area from forecast hourly concentrations (HJ 633 daily method), for forecast.aqi_daily."""
