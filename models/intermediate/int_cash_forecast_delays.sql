-- How late payments came, pooled per customer group and for the portfolio, as cumulative
-- distributions for the cash forecast (README: Cash forecast). For every forecast date (the as-of
-- date, and each history month-end before it, which the back-test forecasts from) the payments of
-- the trailing forecast.lookbackMonths up to that date (after the month-end that many months
-- before it: whole months for a month-end) that name a debit document: days late =
-- payment date − due date (negative when early), weighted by amount. One row per day count from
-- one below the earliest delay to a week past the latest, so that the forecast reads the weight up
-- to any day count, and the weight of the 7 days up to it, by an equality join on the count
-- clamped into that range (a few hundred rows per distribution; rpt_cash_forecast_weeks reads each
-- customer's own from int_payments_days_late).
-- Only data up to the forecast date is used, so a past month-end's forecast can be reproduced.
with

params as (
    select as_of_date, forecast_lookback_months from meta.build_params
),

month_end_dates as (
    select month_end as forecast_date
    from intermediate.int_month_ends, params
    where month_end < params.as_of_date
),

customers as (
    -- A customer known only from documents, or without a group, is in the group (none).
    select customer_id, customer_group from staging.stg_customers
),

-- The payments that name a debit document, with their days late.
paid as (
    select
        coalesce(customers.customer_group, '(none)') as customer_group,
        payments.payment_date,
        payments.amount,
        payments.days_late,
    from intermediate.int_payments_days_late as payments
    left join customers on customers.customer_id = payments.customer_id
    where payments.amount > 0
),

-- A month-end's window is whole months, so the payments are summed per month first; the as-of
-- date's window may start and end inside a month, so it takes the payments themselves.
paid_monthly as (
    select customer_group, last_day(payment_date) as month_end, days_late, sum(amount) as weight, count(*) as payments
    from paid
    group by all
),

windowed as (
    select month_end_dates.forecast_date, paid_monthly.customer_group, paid_monthly.days_late, paid_monthly.weight, paid_monthly.payments
    from paid_monthly
    cross join params
    join month_end_dates
        on paid_monthly.month_end <= month_end_dates.forecast_date
        and paid_monthly.month_end > forecast_window_start(month_end_dates.forecast_date, params.forecast_lookback_months)
    union all
    select params.as_of_date, paid.customer_group, paid.days_late, paid.amount, 1
    from paid
    cross join params
    where paid.payment_date <= params.as_of_date
        and paid.payment_date > forecast_window_start(params.as_of_date, params.forecast_lookback_months)
),

per_delay as (
    select
        forecast_date,
        case when grouping(customer_group) = 0 then 'customer_group' else 'portfolio' end as level,
        coalesce(customer_group, 'all') as level_key,
        days_late,
        sum(weight) as weight,
        sum(payments) as payments,
    from windowed
    group by grouping sets ((forecast_date, customer_group, days_late), (forecast_date, days_late))
),

ranges as (
    select forecast_date, level, level_key, min(days_late) - 1 as first_day, max(days_late) as last_day
    from per_delay
    group by all
),

-- Up to a week past the latest delay, so that the weight of any week ending there is one row.
dense as (
    select forecast_date, level, level_key, first_day, last_day, unnest(range(first_day, last_day + 8)) as days_late
    from ranges
),

final as (
    select
        dense.forecast_date,
        dense.level,
        dense.level_key,
        dense.days_late::integer as days_late,
        dense.first_day::integer as first_day,
        dense.last_day::integer as last_day,
        coalesce(sum(per_delay.weight) over up_to, 0)::decimal(38, 2) as cumulative_weight,
        coalesce(sum(per_delay.payments) over up_to, 0)::bigint as cumulative_payments,
        sum(per_delay.weight) over distribution::decimal(38, 2) as total_weight,
        sum(per_delay.payments) over distribution::bigint as total_payments,
        coalesce(sum(per_delay.weight) over week_to, 0)::decimal(38, 2) as week_weight,
    from dense
    left join per_delay using (forecast_date, level, level_key, days_late)
    window
        distribution as (partition by dense.forecast_date, dense.level, dense.level_key),
        up_to as (partition by dense.forecast_date, dense.level, dense.level_key order by dense.days_late rows between unbounded preceding and current row),
        week_to as (partition by dense.forecast_date, dense.level, dense.level_key order by dense.days_late rows between 6 preceding and current row)
)

select * from final
