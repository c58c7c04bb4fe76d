-- GB 3838-2002 class rank (1 = I ... 6 = 劣V) of one parameter's value, single factor, from its row of
-- seeds.water_class_limits_gb3838: DO is a minimum (the value must reach the limit); pH must lie in the range of its
-- direction ('range 6-9') for every class, else 劣V; the others are maxima.
CREATE OR REPLACE MACRO gb3838_class_rank(value, direction, class_i, class_ii, class_iii, class_iv, class_v) AS
    CASE
        WHEN direction LIKE 'range%' THEN
            CASE WHEN value BETWEEN CAST(regexp_extract(direction, '([0-9.]+)-([0-9.]+)', 1) AS DOUBLE)
                                AND CAST(regexp_extract(direction, '([0-9.]+)-([0-9.]+)', 2) AS DOUBLE)
                 THEN 1 ELSE 6 END
        WHEN direction = 'min' THEN
            CASE WHEN value >= class_i THEN 1 WHEN value >= class_ii THEN 2 WHEN value >= class_iii THEN 3
                 WHEN value >= class_iv THEN 4 WHEN value >= class_v THEN 5 ELSE 6 END
        ELSE
            CASE WHEN value <= class_i THEN 1 WHEN value <= class_ii THEN 2 WHEN value <= class_iii THEN 3
                 WHEN value <= class_iv THEN 4 WHEN value <= class_v THEN 5 ELSE 6 END
    END;
