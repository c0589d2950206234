-- Each customer's own payments in the cash forecast's window (README: Cash forecast): for every
-- forecast date (the as-of date and each history month-end before it) the payments of the
-- trailing forecast.lookbackMonths up to it (after the month-end that many months before it, as in
-- int_cash_forecast_delays) that name a debit document of the customer, with days
-- late = payment date − due date and the amount as weight. Only a customer with at least 5 such
-- payments in the window can be forecast by its own delays, so only those are kept.
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

paid as (
    select payments.customer_id, payments.payment_date, payments.amount, payments.payment_date - documents.due_date as days_late
    from staging.stg_payments as payments
    join documents on documents.document_id = payments.document_id and documents.customer_id = payments.customer_id
    where payments.amount > 0
),

final as (
    select forecast_dates.forecast_date, paid.customer_id, paid.days_late::integer as days_late, paid.amount
    from paid
    cross join params
    join forecast_dates
        on paid.payment_date <= forecast_dates.forecast_date
        and paid.payment_date > last_day((forecast_dates.forecast_date - to_months(params.forecast_lookback_months))::date)
    qualify count(*) over (partition by forecast_dates.forecast_date, paid.customer_id) >= 5
)

select * from final
