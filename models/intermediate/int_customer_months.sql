-- One row per month-end of the history and customer with anything to report: its balances at
-- the month-end (from the replayed aging), what it was invoiced and paid in the month, and
-- whether it was under follow-up: a collection attempt in the month, or a promise to pay made
-- by the month-end and falling due on or after it.
with

month_ends as (
    select * from intermediate.int_month_ends
),

-- From the replayed aging of the intermediate layer, not from the aging mart: a model reads only
-- its own layer or lower ones. Its rows, the month's invoices and the month's payments are summed
-- in the one grouping below (each figure is a sum, so summing them apart first and again after
-- gives the same cents), rather than each grouped on its own and the groups grouped again.
balances as (
    select
        month_end,
        customer_id,
        outstanding_amount,
        gross_amount,
        case when bucket_order = 0 then gross_amount end as current_amount,
        expected_bad_debt_amount,
    from intermediate.int_month_end_aging
),

invoiced as (
    select month_ends.month_end, documents.customer_id, documents.amount as invoiced_amount
    from staging.stg_invoices as documents
    join month_ends on month_ends.month_end = last_day(documents.document_date)
    where documents.is_debit
),

collected as (
    select month_ends.month_end, payments.customer_id, payments.amount as collected_amount
    from staging.stg_payments as payments
    join month_ends on month_ends.month_end = last_day(payments.payment_date)
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

-- Stacked and grouped once, they give the union of their keys with every figure, without
-- deduplicating the keys and joining each source back. follow_ups has one row per customer-month.
parts as (
    select month_end, customer_id, outstanding_amount, gross_amount, current_amount, expected_bad_debt_amount
    from balances
    union all by name
    select month_end, customer_id, invoiced_amount from invoiced
    union all by name
    select month_end, customer_id, collected_amount from collected
    union all by name
    select month_end, customer_id, follow_ups, has_open_promise from follow_ups
),

final as (
    select
        month_end,
        customer_id,
        coalesce(sum(outstanding_amount), 0)::decimal(38, 2) as outstanding_amount,
        coalesce(sum(gross_amount), 0)::decimal(38, 2) as gross_amount,
        coalesce(sum(current_amount), 0)::decimal(38, 2) as current_amount,
        -- Every balance row has a bucket, 0 (not due) or later, so overdue is gross less current:
        -- one sum fewer over the 1.7M balance rows (each a 128-bit decimal, the costly kind).
        (coalesce(sum(gross_amount), 0) - coalesce(sum(current_amount), 0))::decimal(38, 2) as overdue_amount,
        coalesce(sum(expected_bad_debt_amount), 0)::decimal(38, 2) as expected_bad_debt_amount,
        coalesce(sum(invoiced_amount), 0)::decimal(38, 2) as invoiced_amount,
        coalesce(sum(collected_amount), 0)::decimal(38, 2) as collected_amount,
        coalesce(any_value(follow_ups), 0) as follow_ups,
        coalesce(any_value(has_open_promise), false) as has_open_promise,
        coalesce(any_value(follow_ups), 0) > 0 or coalesce(any_value(has_open_promise), false) as is_under_follow_up,
    from parts
    group by all
)

select * from final
