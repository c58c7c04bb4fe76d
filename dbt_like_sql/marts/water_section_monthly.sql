-- River section per month (month = its first day): period means of the valid readings, GB 3838 single-factor class,
-- target class, compliance, main pollutants with exceedance multiples, readings used (see
-- intermediate.water_section_periods). Column contract for alerts and reports: section_code, section_name, river,
-- province, area, month, water_class, target_class, compliant, main_pollutants, readings_used.
-- partitioned: periods (month, last_day(month)), inputs whole months
SELECT
    section_code, section_name, river, province, area, period_start AS month,
    * EXCLUDE (period, section_code, section_name, river, province, area, period_start, first_day, last_day)
FROM intermediate.water_section_periods
WHERE period = 'month'
