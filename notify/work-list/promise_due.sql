-- Promises to pay still open whose date falls within the coming week (the as-of date included),
-- soonest first: the collector checks the money arrived, or calls the day before. A promise whose
-- date passed unpaid is a broken promise (a breach), not listed here.
select
    recipients.recipient,
    'promise_due' as section,
    attempts.customer_id,
    attempts.document_id,
    attempts.promised_amount as amount,
    null::integer as days_past_due,
    attempts.promised_date as due_date,
    attempts.promised_date::varchar as detail,
    row_number() over (
        partition by recipients.recipient
        order by attempts.promised_date, attempts.promised_amount desc nulls last, attempts.customer_id, attempts.attempt_id
    ) as rank,
from marts.fct_collection_attempts as attempts
join notify_recipients as recipients using (customer_id)
cross join marts.rpt_build_info as info
where attempts.promise_status = 'open'
    and attempts.promised_date <= info.as_of_date + $promise_window_days::integer
