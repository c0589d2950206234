-- The replayed aging summed per month-end, customer, bucket and the bucket the same items were
-- in at the month-end before (null for items new in the month): the one pass over the history's
-- open items that the aging mart and the customer months both read. Only the reported month-ends:
-- the look-back month-ends before the history are summed in int_month_end_look_back_aging.
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
    where open_items.is_reported
    group by all
)

select * from final
