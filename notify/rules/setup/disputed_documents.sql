-- The documents whose latest follow-up (the latest collection attempt about the document) ended
-- in a dispute. They are not chased: no milestone breach, not counted in "call first", and the
-- work list shows them in a section of their own.
create or replace temp table notify_disputed_documents as
with

attempts as (
    select
        customer_id,
        document_id,
        attempt_date,
        outcome,
        reason,
        row_number() over (partition by customer_id, document_id order by attempt_date desc, attempt_id desc) as recency,
    from marts.fct_collection_attempts
    where document_id is not null
)

select customer_id, document_id, attempt_date as disputed_on, reason
from attempts
where recency = 1 and outcome = 'dispute'
