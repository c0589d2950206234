-- The configured aging buckets in order: not_due (0 days or fewer past due), one bucket per
-- inclusive upper bound, and an open-ended last bucket. Bounds [30, 60] give not_due, 1-30, 31-60, 61+.
with

params as (
    select bucket_bounds as bounds from meta.build_params
),

bounded as (
    select unnest(range(1, len(bounds) + 1)) as bucket_order, bounds
    from params
),

final as (
    select 0 as bucket_order, 'not_due' as aging_bucket, null::integer as min_days_past_due, 0 as max_days_past_due
    union all
    select
        bucket_order,
        (case when bucket_order = 1 then 1 else bounds[bucket_order - 1] + 1 end) || '-' || bounds[bucket_order],
        case when bucket_order = 1 then 1 else bounds[bucket_order - 1] + 1 end,
        bounds[bucket_order],
    from bounded
    union all
    select len(bounds) + 1, (bounds[len(bounds)] + 1) || '+', bounds[len(bounds)] + 1, null
    from params
)

select bucket_order::integer as bucket_order, aging_bucket, min_days_past_due::integer as min_days_past_due,
    max_days_past_due::integer as max_days_past_due
from final
