-- Outstanding per month-end, customer, bucket and the bucket the same items were in at the
-- month-end before (null for items that are new in the month), over the history window,
-- replayed from the ledger. Summed over previous_bucket_order it is the aging a build as of that
-- month-end shows; split by it, it is the migration the roll rates are measured from.
with

open_items as (
    select * from intermediate.int_month_end_open_items
),

buckets as (
    select * from marts.dim_aging_buckets
),

params as (
    select max_debt_age_days from meta.build_params
),

final as (
    select
        open_items.month_end,
        open_items.customer_id,
        buckets.aging_bucket,
        open_items.bucket_order::integer as bucket_order,
        open_items.bucket_order_before::integer as previous_bucket_order,
        sum(open_items.outstanding_amount)::decimal(38, 2) as outstanding_amount,
        coalesce(sum(open_items.outstanding_amount) filter (where open_items.outstanding_amount > 0), 0)::decimal(38, 2)
            as gross_amount,
        coalesce(sum(open_items.outstanding_amount) filter (
            where open_items.outstanding_amount > 0 and open_items.days_past_due > params.max_debt_age_days
        ), 0)::decimal(38, 2) as expected_bad_debt_amount,
        count(*) as open_items,
    from open_items
    cross join params
    join buckets using (bucket_order)
    group by all
)

select * from final
