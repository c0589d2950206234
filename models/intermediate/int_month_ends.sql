-- The month-ends of the history window: the last history.months month-ends on or before the
-- as-of date (the as-of date itself when it is a month-end), each with the month-end before it.
with

params as (
    select as_of_date, history_months from meta.build_params
),

latest as (
    select
        case when as_of_date = last_day(as_of_date) then as_of_date
             else (date_trunc('month', as_of_date) - interval 1 day)::date end as latest_month_end,
        history_months,
    from params
),

numbered as (
    select unnest(range(0, history_months)) as months_back, latest_month_end
    from latest
),

final as (
    select
        last_day((date_trunc('month', latest_month_end) - to_months(months_back))::date) as month_end,
        last_day((date_trunc('month', latest_month_end) - to_months(months_back + 1))::date) as previous_month_end,
        date_trunc('month', month_end)::date as month_start,
        day(month_end) as days_in_month,
        months_back::integer as months_back,
    from numbered
)

select * from final
