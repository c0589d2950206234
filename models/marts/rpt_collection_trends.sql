-- Collection attempts per month × team × collector × customer group × channel × outcome × reason:
-- how many, whom they reached, the promises made and kept, and the cash that followed.
select
    month_end,
    team,
    collector,
    customer_group,
    channel,
    outcome,
    reason,
    count(*)::integer as attempts,
    count(distinct customer_id)::integer as customers_contacted,
    count(*) filter (where is_promise)::integer as promises_made,
    count(*) filter (where promise_status = 'kept')::integer as promises_kept,
    count(*) filter (where promise_status = 'broken')::integer as promises_broken,
    round(
        count(*) filter (where promise_status = 'kept')
        / nullif(count(*) filter (where promise_status in ('kept', 'broken')), 0), 4
    )::decimal(9, 4) as kept_rate,
    sum(collected_7d)::decimal(38, 2) as collected_7d,
    sum(collected_30d)::decimal(38, 2) as collected_30d,
from marts.fct_collection_attempts
group by all
