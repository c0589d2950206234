-- Every document with its due date. A document without one is due its document date plus the
-- credit term in force on that date (the credit_limits history, else the customers extract, else 0),
-- so that its due date does not move when the term changes later.
with

documents as (
    select * from staging.stg_invoices
),

customers as (
    select customer_id, credit_term_days from staging.stg_customers
),

term_history as (
    select customer_id, effective_date, credit_term_days
    from staging.stg_credit_limits
    where credit_term_days is not null
),

-- Only documents without a due date need the term, so only they take the as-of join.
term_on_document_date as (
    select undated.document_id, term_history.credit_term_days
    from (select document_id, customer_id, document_date from documents where due_date is null) as undated
    asof left join term_history
        on undated.customer_id = term_history.customer_id
        and undated.document_date >= term_history.effective_date
),

final as (
    select
        documents.document_id,
        documents.customer_id,
        documents.document_type,
        documents.is_debit,
        documents.document_date,
        coalesce(
            documents.due_date,
            documents.document_date + coalesce(term_on_document_date.credit_term_days, customers.credit_term_days, 0)
        ) as due_date,
        documents.due_date is null as is_due_date_derived,
        documents.amount,
        documents.currency,
        documents.amount_in_currency,
        documents.fx_rate,
        documents.fx_rate_date,
        documents.applies_to,
    from documents
    left join term_on_document_date using (document_id)
    left join customers using (customer_id)
)

select * from final
