"""Every row of the warehouse's tables, comparable between two warehouses (sorted CSV per table)."""

import duckdb
import polars as pl


def dump_tables(
    path, schemas=("seeds", "staging", "intermediate", "marts"), views=("intermediate", "marts")
) -> dict[str, bytes]:
    """Every table of ``schemas`` and every view of ``views``, sorted, as CSV bytes."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE list_contains(?, schema_name) "
                "UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() "
                "WHERE list_contains(?, schema_name) ORDER BY 1",
                [list(schemas), list(views)],
            ).fetchall()
        ]
        return {n: _csv(con.sql(f"SELECT * FROM {n} ORDER BY ALL").pl()) for n in names}
    finally:
        con.close()


def _csv(frame: pl.DataFrame) -> bytes:
    """CSV bytes; list columns (e.g. main_pollutants VARCHAR[]) written as their text."""
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    flat = frame.with_columns(pl.col(c).list.eval(pl.element().cast(pl.String)).list.join("|") for c in lists)
    return flat.write_csv().encode()
