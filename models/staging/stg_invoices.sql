-- Every ledger document: invoices and debit notes raise a balance, credit notes and write-offs reduce one.
select
    document_id,
    customer_id,
    document_type,
    document_date::date as document_date,
    due_date::date as due_date,
    amount::decimal(18, 2) as amount,
    applies_to,
    -- Ingest stores an empty field as null already; null, never '', means "not from an order".
    nullif(order_id::varchar, '') as order_id,
    document_type in ('invoice', 'debit_note') as is_debit,
from raw.invoices
