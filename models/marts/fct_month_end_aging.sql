-- Outstanding per month-end, customer, bucket and the bucket the same items were in at the
-- month-end before (null for items that are new in the month), over the history window,
-- replayed from the ledger. Summed over previous_bucket_order it is the aging a build as of that
-- month-end shows; split by it, it is the migration the roll rates are measured from.
with

aging as (
    select * from intermediate.int_month_end_aging
),

buckets as (
    select * from marts.dim_aging_buckets
),

final as (
    select
        aging.month_end,
        aging.customer_id,
        buckets.aging_bucket,
        aging.bucket_order,
        aging.previous_bucket_order,
        aging.outstanding_amount,
        aging.gross_amount,
        aging.expected_bad_debt_amount,
        aging.open_items,
    from aging
    join buckets using (bucket_order)
)

select * from final
