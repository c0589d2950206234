-- The company's outstanding per aging bucket as of the as-of date, every configured bucket
-- present (an empty one with 0), in bucket order: the breakdown the summary and the site show.
with

buckets as (
    select * from marts.dim_aging_buckets
),

open_items as (
    select * from marts.fct_open_items
),

totals as (
    select bucket_order, sum(outstanding_amount) as outstanding_amount, count(*) as open_items
    from open_items
    group by all
),

final as (
    select
        buckets.bucket_order,
        buckets.aging_bucket,
        coalesce(totals.outstanding_amount, 0)::decimal(38, 2) as outstanding_amount,
        coalesce(totals.open_items, 0) as open_items,
    from buckets
    left join totals using (bucket_order)
)

select * from final
