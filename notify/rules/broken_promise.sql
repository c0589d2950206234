-- scope: customer
-- The customer's latest promise to pay is broken (its date passed without the payment) and the
-- customer still owes something overdue. A newer promise supersedes a broken one, which resolves
-- the breach; if that one breaks too, it is a new breach. The amount is the promised amount (the
-- overdue balance when the promise named none).
with

promises as (
    select
        customer_id,
        document_id,
        attempt_id,
        attempt_date,
        promised_date,
        promised_amount,
        promise_status,
        row_number() over (partition by customer_id order by attempt_date desc, attempt_id desc) as recency,
    from marts.fct_collection_attempts
    where is_promise
)

select
    promises.customer_id,
    null::varchar as document_id,
    1 as level,
    coalesce(promises.promised_amount, customers.overdue_amount)::decimal(38, 2) as amount,
    json_object(
        'attempt_id', promises.attempt_id,
        'attempt_date', promises.attempt_date::varchar,
        'promised_date', promises.promised_date::varchar,
        'promised_amount', promises.promised_amount::varchar,
        'promise_document_id', promises.document_id,
        'overdue_amount', customers.overdue_amount::varchar
    ) as facts,
from promises
join marts.dim_customers as customers using (customer_id)
where promises.recency = 1
    and promises.promise_status = 'broken'
    and customers.overdue_amount > 0
