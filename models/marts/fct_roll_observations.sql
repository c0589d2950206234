-- What the roll rates are measured from: per pair of consecutive month-ends, segment and bucket,
-- the gross balance in the bucket at the first month-end, and how much of it had rolled on by
-- the second: still open in a later bucket, or written off during the month. Unapplied cash and
-- credits are not part of the gross receivable and do not roll. The pairs cover the history and
-- the look-back month-ends before it (int_month_ends_replayed), so that the first reported
-- month-ends' windows hold the pairs the ledger has before the history starts. How many
-- write-offs the written-off amount is made of is kept too: a roll rate that rests on a handful of
-- write-offs is noise, and rpt_loss_definition warns when the chain's last link does.
with

month_ends as (
    select * from intermediate.int_month_ends_replayed
),

-- The summed aging itself rather than its labelled view (the labels come from buckets below), at
-- every replayed month-end, the look-back ones included.
aging as (
    select * from intermediate.int_month_end_aging_replayed
),

segments as (
    select * from intermediate.int_customer_segments
),

write_offs as (
    select * from intermediate.int_write_offs_aged
),

buckets as (
    select * from marts.dim_aging_buckets
),

opening as (
    select month_ends.month_end, aging.month_end as previous_month_end, segments.segment, aging.bucket_order,
        sum(aging.gross_amount) as opening_balance,
    from aging
    join month_ends on month_ends.previous_month_end = aging.month_end
    join segments using (customer_id)
    group by all
),

rolled_on as (
    select aging.month_end, segments.segment, aging.previous_bucket_order as bucket_order, sum(aging.gross_amount) as amount
    from aging
    join segments using (customer_id)
    where aging.bucket_order > aging.previous_bucket_order
    group by all
),

written_off as (
    select write_offs.month_end, segments.segment, write_offs.bucket_order_before as bucket_order, sum(write_offs.amount) as amount,
        count(*) as write_offs,
    from write_offs
    join segments using (customer_id)
    where write_offs.bucket_order_before is not null
    group by all
),

final as (
    select
        opening.month_end,
        opening.previous_month_end,
        opening.segment,
        buckets.aging_bucket,
        opening.bucket_order,
        opening.opening_balance::decimal(38, 2) as opening_balance,
        coalesce(rolled_on.amount, 0)::decimal(38, 2) as rolled_on_amount,
        coalesce(written_off.amount, 0)::decimal(38, 2) as written_off_amount,
        coalesce(written_off.write_offs, 0)::integer as write_offs,
    from opening
    join buckets using (bucket_order)
    left join rolled_on using (month_end, segment, bucket_order)
    left join written_off using (month_end, segment, bucket_order)
    where opening.opening_balance > 0
)

select * from final
