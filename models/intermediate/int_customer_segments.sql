-- The expected-loss segment of every customer that appears anywhere: its customer group
-- (expectedLoss.segmentBy: customer_group) or 'all' (segmentBy: none).
with

params as (
    select ecl_segment_by from meta.build_params
),

customer_ids as (
    select customer_id from staging.stg_customers
    union
    select customer_id from staging.stg_invoices
    union
    select customer_id from staging.stg_payments
),

final as (
    select
        customer_ids.customer_id,
        case
            when params.ecl_segment_by = 'none' then 'all'
            when customers.customer_id is null then '(not in customers extract)'
            else coalesce(customers.customer_group, '(no group)')
        end as segment,
    from customer_ids
    cross join params
    left join staging.stg_customers as customers using (customer_id)
)

select * from final
