-- Every ledger document: invoices and debit notes raise a balance, credit notes and write-offs reduce one.
select
    document_id,
    customer_id,
    document_type,
    document_date::date as document_date,
    due_date::date as due_date,
    amount::decimal(18, 2) as amount,
    applies_to,
    document_type in ('invoice', 'debit_note') as is_debit,
from raw.invoices
