-- Outstanding by as-of date, team, collector, customer group, customer and bucket: the grain
-- the drill-down reads, company down to customer.
with

open_items as (
    select * from marts.fct_open_items
),

customers as (
    select customer_id, customer_name, customer_group, team, collector from marts.dim_customers
),

final as (
    select
        open_items.as_of_date,
        customers.team,
        customers.collector,
        customers.customer_group,
        open_items.customer_id,
        customers.customer_name,
        open_items.aging_bucket,
        open_items.bucket_order,
        sum(open_items.outstanding_amount)::decimal(38, 2) as outstanding_amount,
        count(*) as open_items,
    from open_items
    left join customers using (customer_id)
    group by all
)

select * from final
