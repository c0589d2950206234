-- Every collection attempt up to the as-of date with what came of it. A promise to pay is kept
-- when the customer paid at least the promised amount (any amount, if none was promised) from
-- the day of the contact through the promised date; broken when that date has passed without
-- it; open while it has not. collected_7d / _30d are the customer's payments from the day of the
-- contact through 7 / 30 days after it (a payment after two contacts counts for both).
with

params as (
    select as_of_date from meta.build_params
),

attempts as (
    select stg.* from staging.stg_collection_attempts as stg, params where stg.attempt_date <= params.as_of_date
),

customers as (
    select customer_id, team, collector, customer_group from marts.dim_customers
),

payments as (
    select customer_id, payment_date, amount from staging.stg_payments, params where payment_date <= params.as_of_date
),

collected as (
    select
        attempts.attempt_id,
        sum(payments.amount) filter (where payments.payment_date <= attempts.attempt_date + 7) as collected_7d,
        sum(payments.amount) as collected_30d,
    from attempts
    join payments
        on payments.customer_id = attempts.customer_id
        and payments.payment_date between attempts.attempt_date and attempts.attempt_date + 30
    group by all
),

promised as (
    select attempts.attempt_id, sum(payments.amount) as paid_by_promised_date
    from attempts
    join payments
        on payments.customer_id = attempts.customer_id
        and payments.payment_date between attempts.attempt_date and attempts.promised_date
    where attempts.promised_date is not null
    group by all
),

final as (
    select
        last_day(attempts.attempt_date) as month_end,
        attempts.attempt_id,
        attempts.customer_id,
        attempts.document_id,
        attempts.attempt_date,
        customers.team,
        coalesce(attempts.collector, customers.collector) as collector,
        customers.customer_group,
        coalesce(attempts.channel, '(none)') as channel,
        coalesce(attempts.outcome, '(none)') as outcome,
        coalesce(attempts.reason, '(none)') as reason,
        attempts.promised_date,
        attempts.promised_amount,
        attempts.promised_date is not null as is_promise,
        case
            when attempts.promised_date is null then null
            when coalesce(promised.paid_by_promised_date, 0) >= coalesce(attempts.promised_amount, 0.01) then 'kept'
            when attempts.promised_date < params.as_of_date then 'broken'
            else 'open'
        end as promise_status,
        coalesce(collected.collected_7d, 0)::decimal(38, 2) as collected_7d,
        coalesce(collected.collected_30d, 0)::decimal(38, 2) as collected_30d,
    from attempts
    cross join params
    left join customers using (customer_id)
    left join collected using (attempt_id)
    left join promised using (attempt_id)
)

select * from final
