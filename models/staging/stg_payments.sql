-- One row per payment and the document it pays; an empty document_id is unapplied cash.
select
    payment_id,
    customer_id,
    payment_date::date as payment_date,
    amount::decimal(18, 2) as amount,
    document_id,
from raw.payments
