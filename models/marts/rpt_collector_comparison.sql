-- Collectors side by side over the history window (attempts from the first month of the
-- history through the as-of date): attempts, customers contacted, promises made, kept and
-- broken, and the cash collected within 30 days of a contact. The collector is the one who made
-- the attempt (else the customer's), the team the customer's.
with

month_ends as (
    select * from intermediate.int_month_ends
),

attempts as (
    select * from marts.fct_collection_attempts
),

window_start as (
    select min(month_start) as window_start from month_ends
),

final as (
    select
        attempts.team,
        attempts.collector,
        any_value(window_start.window_start) as window_start,
        count(*) as attempts,
        count(distinct attempts.customer_id) as customers,
        count(*) filter (where attempts.is_promise) as promises_made,
        count(*) filter (where attempts.promise_status = 'kept') as promises_kept,
        count(*) filter (where attempts.promise_status = 'broken') as promises_broken,
        coalesce(sum(attempts.collected_30d), 0)::decimal(38, 2) as collected_30d,
    from attempts
    cross join window_start
    where attempts.attempt_date >= window_start.window_start
    group by attempts.team, attempts.collector
)

select * from final
