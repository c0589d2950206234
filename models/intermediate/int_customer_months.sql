-- One row per month-end of the history and customer with anything to report: its balances at
-- the month-end (from the replayed aging), what it was invoiced and paid in the month, and
-- whether it was under follow-up: a collection attempt in the month, or a promise to pay made
-- by the month-end and falling due on or after it.
with

month_ends as (
    select * from intermediate.int_month_ends
),

-- From the replayed aging of the intermediate layer, not from the aging mart: a model reads only
-- its own layer or lower ones.
balances as (
    select
        month_end,
        customer_id,
        sum(outstanding_amount) as outstanding_amount,
        sum(gross_amount) as gross_amount,
        sum(gross_amount) filter (where bucket_order = 0) as current_amount,
        sum(gross_amount) filter (where bucket_order > 0) as overdue_amount,
        sum(expected_bad_debt_amount) as expected_bad_debt_amount,
    from intermediate.int_month_end_aging
    group by all
),

invoiced as (
    select month_ends.month_end, documents.customer_id, sum(documents.amount) as invoiced_amount
    from staging.stg_invoices as documents
    join month_ends on month_ends.month_end = last_day(documents.document_date)
    where documents.is_debit
    group by all
),

collected as (
    select month_ends.month_end, payments.customer_id, sum(payments.amount) as collected_amount
    from staging.stg_payments as payments
    join month_ends on month_ends.month_end = last_day(payments.payment_date)
    group by all
),

follow_ups as (
    select
        month_ends.month_end,
        attempts.customer_id,
        count(*) filter (where attempts.attempt_date >= month_ends.month_start) as follow_ups,
        bool_or(attempts.outcome = 'promise_to_pay' and attempts.promised_date >= month_ends.month_end) as has_open_promise,
    from staging.stg_collection_attempts as attempts
    join month_ends on attempts.attempt_date <= month_ends.month_end
    where attempts.attempt_date >= month_ends.month_start
        or (attempts.outcome = 'promise_to_pay' and attempts.promised_date >= month_ends.month_end)
    group by all
),

keys as (
    select month_end, customer_id from balances
    union
    select month_end, customer_id from invoiced
    union
    select month_end, customer_id from collected
    union
    select month_end, customer_id from follow_ups
),

final as (
    select
        keys.month_end,
        keys.customer_id,
        coalesce(balances.outstanding_amount, 0)::decimal(38, 2) as outstanding_amount,
        coalesce(balances.gross_amount, 0)::decimal(38, 2) as gross_amount,
        coalesce(balances.current_amount, 0)::decimal(38, 2) as current_amount,
        coalesce(balances.overdue_amount, 0)::decimal(38, 2) as overdue_amount,
        coalesce(balances.expected_bad_debt_amount, 0)::decimal(38, 2) as expected_bad_debt_amount,
        coalesce(invoiced.invoiced_amount, 0)::decimal(38, 2) as invoiced_amount,
        coalesce(collected.collected_amount, 0)::decimal(38, 2) as collected_amount,
        coalesce(follow_ups.follow_ups, 0) as follow_ups,
        coalesce(follow_ups.has_open_promise, false) as has_open_promise,
        coalesce(follow_ups.follow_ups, 0) > 0 or coalesce(follow_ups.has_open_promise, false) as is_under_follow_up,
    from keys
    left join balances using (month_end, customer_id)
    left join invoiced using (month_end, customer_id)
    left join collected using (month_end, customer_id)
    left join follow_ups using (month_end, customer_id)
)

select * from final
