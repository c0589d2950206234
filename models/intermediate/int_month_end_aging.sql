-- The replayed aging of the history's month-ends, per month-end, customer, bucket and the bucket
-- the same items were in at the month-end before (null for items new in the month): what the
-- aging mart and the customer months read. Summed once, with the look-back month-ends before the
-- history, in int_month_end_aging_replayed; those are left out here, as no reported month.
with

replayed as (
    select * from intermediate.int_month_end_aging_replayed
),

final as (
    select * exclude (is_reported)
    from replayed
    where is_reported
)

select * from final
