-- River section per day (natural day, 01:00-24:00 CST): period means of the valid readings, GB 3838 single-factor class,
-- target class, compliance, main pollutants with exceedance multiples, readings used (see
-- intermediate.water_section_periods). Column contract for alerts and reports: section_code, section_name, river,
-- province, area, day, water_class, target_class, compliant, main_pollutants, readings_used.
-- partitioned: day
SELECT
    section_code, section_name, river, province, area, period_start AS day,
    * EXCLUDE (period, section_code, section_name, river, province, area, period_start, first_day, last_day)
FROM intermediate.water_section_periods
WHERE period = 'day'
