-- Every payment row that names a debit document of its own customer, with days late = payment
-- date − due date (negative when early; README: Payment behaviour, Cash forecast). The one join of
-- payments with their documents' due dates: the payment behaviour reads it per month, the cash
-- forecast as delay distributions (int_cash_forecast_delays pooled, rpt_cash_forecast_weeks per
-- customer, its positive payments only). A cached view: computed once per build for all three.
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
)

select * from final
