-- Company receivables KPIs, one row per calendar month-end of the history (definitions in
-- intermediate.int_kpis_monthly and the README). CEI and percent current are in percent.
select
    month_end,
    dso,
    dso_countback,
    bpdso,
    add_days,
    cei,
    pct_current,
    receivable,
    current_receivable,
    credit_sales,
    opening_receivable,
    days_in_month,
from intermediate.int_kpis_monthly
where level = 'company'
