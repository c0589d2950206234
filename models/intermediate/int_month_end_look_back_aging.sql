-- The gross receivable at each look-back month-end (the month-ends before the history that only
-- the roll rates read), per customer, bucket and the bucket the same items were in a month
-- earlier: the same replay as int_month_end_aging, kept apart so that no reported month shows it.
with

open_items as (
    select * from intermediate.int_month_end_open_items
),

final as (
    select
        month_end,
        customer_id,
        bucket_order::integer as bucket_order,
        bucket_order_before::integer as previous_bucket_order,
        sum(outstanding_amount)::decimal(38, 2) as gross_amount,
    from open_items
    -- Only debit documents can be positive; saying so spares the grouping of unapplied cash.
    where not is_reported and item_type in ('invoice', 'debit_note') and outstanding_amount > 0
    group by all
)

select * from final
