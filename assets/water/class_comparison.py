"""Our GB 3838 class of each reading beside the class its file stated (水质类别: the national platform's real-time
class, a monitoring centre's), and the reason of every difference.

The stated class is never used; comparing with it checks our classes and the catalog (a lake judged as a river shows
at once). A difference gets the first reason that explains it:

- ``on_limit``: a parameter's value is exactly a class limit and the stated class is the next worse one. The platform
  compares its unrounded measurement (0.1004 shown as 0.1 is above the class II limit 0.1 of river TP).
- ``water_body``: the section judged as the other water body (river <-> lake, seeds.water_evaluated_parameters)
  gets the stated class: the catalog's ``water_body`` of that section differs from the one the file's author uses.
- ``missing_parameter``: the stated class is worse and a parameter was not there to judge here (or none was).
- ``unexplained``: none of these; to be looked at.

Plain SQL on a warehouse (or the published snapshot) where the water marts are built: ``envmon query`` can run
``COMPARISON_SQL`` as it is.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.connection import fetch_polars

REASONS = ("on_limit", "water_body", "missing_parameter", "unexplained")

COMPARISON_SQL = """
WITH r AS (
    SELECT c.section_code, c.section_name, c.province, c.ts, c.water_body, c.water_class, c.class_rank,
           c.reported_class, k.class_rank AS reported_rank, c.missing_parameters,
           c.ph, c.dissolved_oxygen, c.codmn, c.ammonia_nitrogen, c.total_phosphorus
    FROM marts.water_reading_class AS c
    JOIN seeds.water_classes AS k ON k.water_class = c.reported_class
),
v AS (
    UNPIVOT (SELECT section_code, ts, ph, dissolved_oxygen, codmn, ammonia_nitrogen, total_phosphorus FROM r)
    ON ph, dissolved_oxygen, codmn, ammonia_nitrogen, total_phosphorus
    INTO NAME parameter VALUE value
),
judged AS (  -- every value judged as a river and as a lake
    SELECT v.section_code, v.ts, e.water_body AS judged_as, v.parameter, p.name_zh, v.value,
           gb3838_class_rank(v.value, l.direction, l.class_i, l.class_ii, l.class_iii, l.class_iv, l.class_v) AS rank,
           list_position([l.class_i, l.class_ii, l.class_iii, l.class_iv, l.class_v], v.value) AS limit_of
    FROM v
    JOIN seeds.water_evaluated_parameters AS e ON e.parameter = v.parameter AND e.role = 'class'
    JOIN seeds.water_class_limits_gb3838 AS l ON l.parameter = e.limits
    JOIN seeds.water_parameters AS p ON p.parameter = v.parameter
),
reasons AS (
    SELECT
        r.section_code,
        r.ts,
        max(j.rank) FILTER (WHERE j.judged_as <> r.water_body) AS other_rank,
        string_agg(j.name_zh || ' ' || CAST(j.value AS VARCHAR) || ' = the class '
                   || k.water_class || ' limit', '; ' ORDER BY j.parameter)
            FILTER (WHERE j.judged_as = r.water_body AND j.limit_of = j.rank AND j.rank + 1 = r.reported_rank)
            AS on_limit
    FROM r
    JOIN judged AS j USING (section_code, ts)
    LEFT JOIN seeds.water_classes AS k ON k.class_rank = j.limit_of
    WHERE r.reported_rank <> r.class_rank OR r.class_rank IS NULL
    GROUP BY ALL
)
SELECT
    r.section_code, r.section_name, r.province, r.ts, r.water_body, r.water_class, r.reported_class,
    r.water_class IS NOT DISTINCT FROM r.reported_class AS equal,
    CASE
        WHEN r.water_class IS NOT DISTINCT FROM r.reported_class THEN NULL
        WHEN x.on_limit IS NOT NULL AND r.reported_rank = r.class_rank + 1 THEN 'on_limit'
        WHEN x.other_rank = r.reported_rank THEN 'water_body'
        WHEN r.class_rank IS NULL OR (len(r.missing_parameters) > 0 AND r.reported_rank > r.class_rank)
            THEN 'missing_parameter'
        ELSE 'unexplained'
    END AS reason,
    CASE
        WHEN r.water_class IS NOT DISTINCT FROM r.reported_class THEN NULL
        WHEN x.on_limit IS NOT NULL AND r.reported_rank = r.class_rank + 1
            THEN x.on_limit || ': the stated class is the next worse one (an unrounded value above the limit)'
        WHEN x.other_rank = r.reported_rank
            THEN 'judged as a ' || CASE r.water_body WHEN 'river' THEN 'lake (湖库)' ELSE 'river' END
                 || ' it is ' || r.reported_class || ': the catalog says ' || r.water_body
        WHEN r.class_rank IS NULL OR (len(r.missing_parameters) > 0 AND r.reported_rank > r.class_rank)
            THEN 'not judged here (no valid value): '
                 || coalesce(array_to_string(r.missing_parameters, ', '), 'any evaluated parameter')
        ELSE 'no reason found'
    END AS why
FROM r
LEFT JOIN reasons AS x USING (section_code, ts)
ORDER BY r.province, r.section_name, r.ts
"""


def compare_reported_classes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per reading whose file stated a class: ours, the stated one, ``equal``, and for a difference its
    ``reason`` (one of ``REASONS``) and ``why`` in words."""
    return fetch_polars(con, COMPARISON_SQL)


def agreement(compared: pl.DataFrame) -> tuple[int, int, float]:
    """(readings compared, equal, share equal)."""
    n, same = compared.height, int(compared["equal"].sum())
    return n, same, (same / n if n else 0.0)


def difference_lines(compared: pl.DataFrame) -> list[str]:
    """Each difference in one line: section, time, ours vs stated, reason and why."""
    return [
        f"{r['province']} {r['section_name']} ({r['section_code']}) {r['ts']:%m-%d %H:%M} {r['water_body']}: "
        f"ours {r['water_class'] or '-'}, stated {r['reported_class']} [{r['reason']}] {r['why']}"
        for r in compared.filter(~pl.col("equal")).iter_rows(named=True)
    ]
