-- How late payments came, as cumulative distributions for the cash forecast (README: Cash
-- forecast). For every forecast date (the as-of date, and each history month-end before it, which
-- the back-test forecasts from) the payments of the trailing forecast.lookbackMonths up to that
-- date that name a debit document: days late = payment date − due date (negative when early),
-- weighted by amount. One distribution per customer, per customer group and for the portfolio;
-- each row is one delay with the weight and number of payments up to and including it, and the
-- totals, so that the forecast reads the share beyond any day count with one as-of lookup.
-- Only data up to the forecast date is used, so a past month-end's forecast can be reproduced.
with

params as (
    select as_of_date, forecast_lookback_months from meta.build_params
),

forecast_dates as (
    select month_end as forecast_date
    from intermediate.int_month_ends, params
    where month_end < params.as_of_date
    union all
    select as_of_date from params
),

documents as (
    select document_id, customer_id, due_date from intermediate.int_documents_due_dated where is_debit
),

customers as (
    -- A customer known only from documents, or without a group, is in the group (none).
    select customer_id, customer_group from staging.stg_customers
),

paid as (
    select
        payments.customer_id,
        coalesce(customers.customer_group, '(none)') as customer_group,
        payments.payment_date,
        payments.amount,
        payments.payment_date - documents.due_date as days_late,
    from staging.stg_payments as payments
    join documents on documents.document_id = payments.document_id and documents.customer_id = payments.customer_id
    left join customers on customers.customer_id = payments.customer_id
    where payments.amount > 0
),

-- Each payment counts at the forecast dates whose trailing window holds it.
windowed as (
    select forecast_dates.forecast_date, paid.*
    from paid
    cross join params
    join forecast_dates
        on paid.payment_date <= forecast_dates.forecast_date
        and paid.payment_date > (forecast_dates.forecast_date - to_months(params.forecast_lookback_months))::date
),

per_delay as (
    select
        forecast_date,
        case
            when grouping(customer_id) = 0 then 'customer'
            when grouping(customer_group) = 0 then 'customer_group'
            else 'portfolio'
        end as level,
        coalesce(customer_id, customer_group, 'all') as level_key,
        days_late,
        sum(amount) as weight,
        count(*) as payments,
    from windowed
    group by grouping sets (
        (forecast_date, customer_id, days_late),
        (forecast_date, customer_group, days_late),
        (forecast_date, days_late)
    )
),

final as (
    select
        forecast_date,
        level,
        level_key,
        days_late::integer as days_late,
        sum(weight) over up_to::decimal(38, 2) as cumulative_weight,
        sum(payments) over up_to::bigint as cumulative_payments,
        sum(weight) over distribution::decimal(38, 2) as total_weight,
        sum(payments) over distribution::bigint as total_payments,
    from per_delay
    window
        distribution as (partition by forecast_date, level, level_key),
        up_to as (partition by forecast_date, level, level_key order by days_late rows between unbounded preceding and current row)
)

select * from final
