-- Per customer and month: how often it was followed up, the promises it made, and the latest
-- outcome and reason it gave, so a collector sees the story before the next call.
select
    customer_id,
    month_end,
    count(*)::integer as follow_ups,
    count(*) filter (where is_promise)::integer as promises_made,
    max(attempt_date) as latest_attempt_date,
    arg_max(outcome, (attempt_date, attempt_id)) as latest_outcome,
    arg_max(reason, (attempt_date, attempt_id)) as latest_reason,
from marts.fct_collection_attempts
group by all
