-- HJ 663 annex A percentile of a list of daily values (NULLs ignored), written exactly as the standard states it:
-- sort the n values X(1) <= ... <= X(n); k = 1 + (n - 1) * p; s = floor(k); P = X(s) + (X(s + 1) - X(s)) * (k - s).
-- (The same as numpy's method="linear" and SQL quantile_cont; the standard's own text is kept here so a reader can
-- check it line by line.) Pass p as a literal such as 0.9: DuckDB reads it as a DECIMAL, so k is exact.
-- Usage: hj663_percentile(list(pm25), 0.95); an empty list gives NULL.
CREATE OR REPLACE MACRO hj663_percentile_sorted(x, p) AS
    CASE
        WHEN len(x) = 0 THEN NULL
        ELSE x[CAST(floor(1 + (len(x) - 1) * p) AS BIGINT)]
            + (x[least(CAST(floor(1 + (len(x) - 1) * p) AS BIGINT) + 1, len(x))]
               - x[CAST(floor(1 + (len(x) - 1) * p) AS BIGINT)])
            * ((1 + (len(x) - 1) * p) - floor(1 + (len(x) - 1) * p))
    END;
CREATE OR REPLACE MACRO hj663_percentile(values_list, p) AS
    hj663_percentile_sorted(list_sort(list_filter(values_list, lambda v: v IS NOT NULL)), p);
