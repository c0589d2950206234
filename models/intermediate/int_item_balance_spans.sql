-- The ledger history as balance spans, with no snapshot stored: each open item's balance holds
-- from valid_from until the day before valid_to (9999-12-31 = still holds). A debit document's balance
-- changes only on its document date and on the day each application takes effect, the later of
-- the application's date and the document's (a prepayment waits for its invoice). Unapplied cash
-- and credits are spans of their own, from their date until the document they name is raised,
-- or for good. Replaying any date from these spans gives what fct_open_items gives for that date.
with

documents as (
    select * from intermediate.int_documents_due_dated
),

debit_documents as (
    select document_id, customer_id, document_type, document_date, due_date, amount
    from documents
    where is_debit
),

applications as (
    select 'payment' as source_type, payment_id as source_id, customer_id, payment_date as applied_date, amount,
        document_id as target_id, allocation,
    from staging.stg_payments
    union all
    -- Credits straight from staging: they need no due date, and with documents read once DuckDB
    -- does not keep a copy of every document for a second reader.
    select document_type, document_id, customer_id, document_date, amount, applies_to, allocation
    from staging.stg_invoices
    where not is_debit
),

matched as (
    select applications.*, debit_documents.document_date as target_date
    from applications
    left join debit_documents
        on applications.target_id = debit_documents.document_id
        and applications.customer_id = debit_documents.customer_id
),

debit_events as (
    select document_id, document_date as event_date, amount as delta from debit_documents
    union all
    select target_id, greatest(applied_date, target_date), -amount from matched where target_date is not null
),

-- Events on the same day need no pre-aggregation: all but the last of them make an empty span
-- (valid_to = valid_from), which covers no month-end, and the last carries the running total.
debit_spans as (
    select
        document_id as item_id,
        event_date as valid_from,
        coalesce(lead(event_date) over by_document, date '9999-12-31') as valid_to,
        sum(delta) over (by_document rows between unbounded preceding and current row) as balance,
    from debit_events
    window by_document as (partition by document_id order by event_date)
),

unapplied_spans as (
    select
        source_type as item_type,
        source_id as item_id,
        customer_id,
        applied_date as document_date,
        applied_date as due_date,
        amount,
        applied_date as valid_from,
        -- A prepayment is unapplied only until the invoice it names is raised.
        case when target_date > applied_date then target_date else date '9999-12-31' end as valid_to,
        -amount as balance,
        -- Whether the FIFO allocation may pool it (its source's allocation, else the top-level one).
        allocation,
    from matched
    where target_date is null or target_date > applied_date
),

final as (
    select
        debit_documents.document_type as item_type,
        debit_spans.item_id,
        debit_documents.customer_id,
        debit_documents.document_date,
        debit_documents.due_date,
        debit_documents.amount,
        debit_spans.valid_from,
        debit_spans.valid_to,
        debit_spans.balance,
        null as allocation,
    from debit_spans
    join debit_documents on debit_documents.document_id = debit_spans.item_id
    where debit_spans.balance <> 0 and debit_spans.valid_to > debit_spans.valid_from
    union all
    select * from unapplied_spans
)

select * from final
