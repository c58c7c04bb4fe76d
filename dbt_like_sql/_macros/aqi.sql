-- Exact AQI arithmetic on integer milli-units (1 ug/m3 = 1000, CO 1 mg/m3 = 1000): no binary floating point in
-- any comparison or ceiling, so 50/35 x 35 is exactly 50 (STANDARDS §2).

-- A concentration in milli-units. Inputs have at most 3 decimals that matter; rounding here removes float noise
-- (e.g. a CO mean of 0.6499999999 is 650).
CREATE OR REPLACE MACRO to_milli(c) AS CAST(round(c * 1000) AS BIGINT);

-- GB/T 8170 rounding (round half to even) of a non-negative milli-unit value to a multiple of unit_m.
CREATE OR REPLACE MACRO round_half_even_milli(m, unit_m) AS
    (m // unit_m + CASE
        WHEN 2 * (m % unit_m) > unit_m THEN 1
        WHEN 2 * (m % unit_m) = unit_m THEN (m // unit_m) % 2
        ELSE 0
    END) * unit_m;

-- The concentration as a standard evaluates it, in milli-units: rounded first when the standard says so (2026).
CREATE OR REPLACE MACRO eval_milli(c, round_inputs, rounding_unit) AS
    CASE WHEN round_inputs = 'half_even' THEN round_half_even_milli(to_milli(c), to_milli(rounding_unit))
         ELSE to_milli(c) END;

-- Integer ceiling division for a >= 0, b > 0.
CREATE OR REPLACE MACRO ceil_div(a, b) AS (a + b - 1) // b;

-- HJ 633: IAQI = (IAQI_hi - IAQI_lo) / (BP_hi - BP_lo) x (C - BP_lo) + IAQI_lo, rounded up, all in integers.
CREATE OR REPLACE MACRO iaqi_on_segment(c_m, bp_lo_m, bp_hi_m, iaqi_lo, iaqi_hi) AS
    CAST(iaqi_lo + ceil_div(CAST(iaqi_hi - iaqi_lo AS BIGINT) * (c_m - bp_lo_m), bp_hi_m - bp_lo_m) AS INTEGER);

-- Means over DECIMAL: the sum is exact, so a mean does not depend on the order in which parallel threads add the
-- values (a DOUBLE sum can differ in its last bit between runs and flip a rounding or a ceiling).
CREATE OR REPLACE MACRO exact(x) AS CAST(x AS DECIMAL(18, 6));
