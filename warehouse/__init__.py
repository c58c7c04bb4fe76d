"""DuckDB warehouse: where data lives, connections, schema, partition writes, the published snapshot."""
