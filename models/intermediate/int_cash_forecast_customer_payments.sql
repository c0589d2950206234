-- Each customer's payments for the cash forecast's delays (README: Cash forecast): every payment
-- that names a debit document of the customer, with days late = payment date − due date and the
-- amount as weight. int_cash_forecast_delays pools them per customer group and for the portfolio
-- (a cached view: computed once per build for both readers). rpt_cash_forecast_weeks takes at
-- each forecast date the ones of the trailing forecast.lookbackMonths up to it (after the
-- month-end that many months before it, as in int_cash_forecast_delays) as it pairs them with the
-- items, rather than copying every payment once per forecast date here (7.6M rows at 1M
-- documents, 12 × the payments).
with

documents as (
    select document_id, customer_id, due_date from intermediate.int_documents_due_dated where is_debit
),

final as (
    select
        payments.customer_id,
        payments.payment_date,
        (payments.payment_date - documents.due_date)::integer as days_late,
        payments.amount,
    from staging.stg_payments as payments
    join documents on documents.document_id = payments.document_id and documents.customer_id = payments.customer_id
    where payments.amount > 0
)

select * from final
