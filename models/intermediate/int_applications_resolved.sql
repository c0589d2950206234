-- Payments and credits up to the as-of date, each with the document it reduces. An application
-- counts only against an invoice or debit note of the same customer dated on or before the
-- as-of date; anything else (no document named, an unknown one, another customer's, a
-- prepayment for a later invoice) is unapplied and stays visible as an open item of its own.
-- A prepayment is marked as awaiting its document: the FIFO allocation leaves it to that document.
with

params as (
    select as_of_date from meta.build_params
),

payments as (
    select
        'payment' as source_type,
        payment_id as source_id,
        customer_id,
        payment_date as applied_date,
        amount,
        currency,
        amount_in_currency,
        fx_rate,
        fx_rate_date,
        allocation,
        document_id as target_id,
    from staging.stg_payments, params
    where payment_date <= params.as_of_date
),

credits as (
    select
        document_type as source_type,
        document_id as source_id,
        customer_id,
        document_date as applied_date,
        amount,
        currency,
        amount_in_currency,
        fx_rate,
        fx_rate_date,
        allocation,
        applies_to as target_id,
    from staging.stg_invoices, params
    where not is_debit and document_date <= params.as_of_date
),

applications as (
    select * from payments
    union all
    select * from credits
),

debit_documents as (
    select document_id, customer_id, document_date
    from staging.stg_invoices
    where is_debit
),

final as (
    select
        applications.*,
        coalesce(debit_documents.document_date <= params.as_of_date, false) as is_applied,
        coalesce(debit_documents.document_date > params.as_of_date, false) as is_awaiting_document,
    from applications
    cross join params
    left join debit_documents
        on applications.target_id = debit_documents.document_id
        and applications.customer_id = debit_documents.customer_id
)

select * from final
