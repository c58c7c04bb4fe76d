"""Forecast daily AQI per area for forecast.aqi_daily: the inputs (the generator's forecast, forecast CSV files:
``inputs.py``), the HJ 633 daily AQI of forecast hourly concentrations (``daily_aqi.py``) and the table's writes."""
