-- The replayed aging summed per month-end, customer, bucket and the bucket the same items were
-- in at the month-end before (null for items new in the month), at every replayed month-end: the
-- history's (is_reported) and the look-back month-ends before it. The one pass over the replayed
-- open items: the roll observations read all of it, everything else reads the history's part
-- through int_month_end_aging, so no reported month shows a look-back month-end.
with

open_items as (
    select * from intermediate.int_month_end_open_items
),

params as (
    select max_debt_age_days from meta.build_params
),

final as (
    select
        open_items.month_end,
        open_items.is_reported,
        open_items.customer_id,
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
    group by all
)

select * from final
