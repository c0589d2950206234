-- The reasons customers gave for not paying over the history window, ranked by the amount they
-- affect: the overdue balance, as of the as-of date, of the customers who gave the reason (a
-- customer counts once per reason).
with

window_start as (
    select min(month_start) as since from intermediate.int_month_ends
),

attempts as (
    select * from marts.fct_collection_attempts, window_start
    where attempt_date >= window_start.since and reason <> '(none)'
),

customers as (
    select customer_id, overdue_amount from marts.dim_customers
),

by_reason as (
    select reason, count(*) as attempts, count(distinct customer_id) as customers
    from attempts
    group by all
),

affected as (
    select reasons.reason, sum(customers.overdue_amount) as amount_affected
    from (select distinct reason, customer_id from attempts) as reasons
    join customers using (customer_id)
    group by all
),

final as (
    select
        rank() over (order by coalesce(affected.amount_affected, 0) desc, by_reason.reason)::integer as rank,
        by_reason.reason,
        by_reason.attempts::integer as attempts,
        by_reason.customers::integer as customers,
        coalesce(affected.amount_affected, 0)::decimal(38, 2) as amount_affected,
        (select since from window_start) as window_start,
    from by_reason
    left join affected using (reason)
)

select * from final
