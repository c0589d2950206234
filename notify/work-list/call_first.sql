-- The customers to call first: the notify.workList.callFirst customers of each recipient with the
-- most money at risk, i.e. owed and past due, leaving out documents in dispute (not chased).
with

at_risk as (
    select
        open_items.customer_id,
        sum(open_items.outstanding_amount) as amount,
        max(open_items.days_past_due) as days_past_due,
    from marts.fct_open_items as open_items
    where open_items.outstanding_amount > 0
        and open_items.days_past_due > 0
        and not exists (
            select 1 from notify_disputed_documents as disputed
            where disputed.document_id = open_items.document_id and disputed.customer_id = open_items.customer_id
        )
    group by all
),

ranked as (
    select
        recipients.recipient,
        at_risk.*,
        row_number() over (partition by recipients.recipient order by at_risk.amount desc, at_risk.customer_id) as rank,
    from at_risk
    join notify_recipients as recipients using (customer_id)
)

select
    recipient,
    'call_first' as section,
    customer_id,
    null::varchar as document_id,
    amount,
    days_past_due,
    null::date as due_date,
    null::varchar as detail,
    rank,
from ranked
where rank <= $call_first::integer
