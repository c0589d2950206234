-- Company receivables KPIs, one row per calendar month-end of the history (definitions in
-- intermediate.int_kpis_monthly and the README). CEI and percent current are in percent.
select * exclude (level, level_value)
from intermediate.int_kpis_monthly
where level = 'company'
