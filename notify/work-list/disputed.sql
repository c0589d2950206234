-- Documents still owed whose latest follow-up ended in a dispute: listed apart so that the
-- collector sees them, and not chased. The detail is the reason given.
select
    recipients.recipient,
    'disputed' as section,
    open_items.customer_id,
    open_items.document_id,
    open_items.outstanding_amount as amount,
    open_items.days_past_due,
    open_items.due_date,
    disputed.reason as detail,
    row_number() over (
        partition by recipients.recipient
        order by open_items.outstanding_amount desc, open_items.customer_id, open_items.document_id
    ) as rank,
from marts.fct_open_items as open_items
join notify_disputed_documents as disputed using (customer_id, document_id)
join notify_recipients as recipients using (customer_id)
where open_items.outstanding_amount > 0
