-- The same KPIs per team, collector and customer group, for the drill-down.
select
    month_end,
    level,
    level_value,
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
where level <> 'company'
