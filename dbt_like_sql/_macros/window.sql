-- The window of a partitioned model (docs/models.md). A build replaces the model's rows of the natural days
-- [start_day, end_day) and reads its inputs over [input_start_day, input_end_day): the window plus the look-back
-- (or the whole months / years) that its header declares. The runner sets the four DuckDB variables; with none
-- set (a reader in the DuckDB CLI, staff on the published snapshot), every day is in the window.
--     SET VARIABLE start_day = DATE '2026-11-20'; SET VARIABLE end_day = DATE '2026-11-21';
CREATE OR REPLACE MACRO window_start() AS coalesce(getvariable('start_day'), DATE '1900-01-01');
CREATE OR REPLACE MACRO window_end() AS coalesce(getvariable('end_day'), DATE '9999-01-01');
CREATE OR REPLACE MACRO input_start() AS coalesce(getvariable('input_start_day'), window_start());
CREATE OR REPLACE MACRO input_end() AS coalesce(getvariable('input_end_day'), window_end());

-- Input rows by natural day (a DATE column), by hourly label (natural day D = D 01:00 ... D+1 00:00; comparing
-- the stored timestamp itself lets DuckDB skip row groups), or by period (first_day .. last_day overlaps).
CREATE OR REPLACE MACRO in_input_days(d) AS d >= input_start() AND d < input_end();
CREATE OR REPLACE MACRO in_input_hours(ts) AS
    ts > CAST(input_start() AS TIMESTAMP) AND ts <= CAST(input_end() AS TIMESTAMP);
CREATE OR REPLACE MACRO overlaps_input(first_day, last_day) AS last_day >= input_start() AND first_day < input_end();

-- The rows a build replaces: days in the window, or periods that hold a day of the window.
CREATE OR REPLACE MACRO in_window(d) AS d >= window_start() AND d < window_end();
CREATE OR REPLACE MACRO overlaps_window(first_day, last_day) AS last_day >= window_start() AND first_day < window_end();
