-- The cash forecast tried on the history (README: Cash forecast): at each history month-end
-- before the as-of date, the company's forecast as of that month-end from data up to it only
-- (rpt_cash_forecast_weeks), a naive forecast, and what was actually received, per week ahead.
-- Week k covers month-end + 7(k−1) + 1 through month-end + 7k.
--   forecast_amount  the documents' forecast, without unapplied cash and credits: the actuals are
--                  payments against documents, which unapplied cash does not reduce;
--   naive_amount   every document open at the month-end paid on its due date (overdue ones in
--                  week 1), nothing lost;
--   actual_amount  payments dated in the week that name a debit document open (with a positive
--                  balance) at the month-end; null while the week has not ended by the as-of date;
--   forecast_error, naive_error  forecast_amount − actual_amount, naive_amount − actual_amount
--                  (positive: more was expected than came in). The weighted absolute percentage
--                  error of a horizon is sum(|error|) ÷ sum(actual_amount) over its month-ends.
-- Open orders have no history and are left out of the back-test.
with

params as (
    select as_of_date, forecast_weeks from meta.build_params
),

weeks as (
    select unnest(range(1, forecast_weeks + 1))::integer as week from params
),

month_ends as (
    select month_end
    from intermediate.int_month_ends, params
    where month_end < params.as_of_date
),

grid as (
    select
        month_ends.month_end,
        weeks.week,
        month_ends.month_end + 7 * (weeks.week - 1) + 1 as week_start,
        month_ends.month_end + 7 * weeks.week as week_end,
    from month_ends
    cross join weeks
),

-- The forecast, the naive forecast and the actuals, worked out where the month-ends' open items
-- are read (rpt_cash_forecast_weeks, customer_id null).
weekly as (
    select
        forecast_date as month_end,
        week,
        not_yet_due_amount + overdue_amount as forecast_amount,
        naive_amount,
        actual_amount,
    from marts.rpt_cash_forecast_weeks
    join month_ends on month_ends.month_end = forecast_date
    where customer_id is null
),

final as (
    select
        grid.month_end,
        grid.week,
        grid.week_start,
        grid.week_end,
        round(coalesce(weekly.forecast_amount, 0), 2)::decimal(38, 2) as forecast_amount,
        round(coalesce(weekly.naive_amount, 0), 2)::decimal(38, 2) as naive_amount,
        case when grid.week_end <= params.as_of_date then round(coalesce(weekly.actual_amount, 0), 2) end::decimal(38, 2) as actual_amount,
    from grid
    cross join params
    left join weekly using (month_end, week)
)

select
    *,
    forecast_amount - actual_amount as forecast_error,
    naive_amount - actual_amount as naive_error,
from final
