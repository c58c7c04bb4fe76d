"""Live air sources over HTTP (Open-Meteo, OpenAQ v3, the national live feed) and the client layer they share."""
