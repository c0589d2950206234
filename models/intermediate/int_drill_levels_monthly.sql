-- The customer months summed at each drill-down level: the company, each team, each collector
-- and each customer group (by the customer's current team, collector and group).
with

customer_months as (
    select * from intermediate.int_customer_months
),

customers as (
    -- The customers extract (a customer known only from documents has none of these: (none)).
    select customer_id, team, collector, customer_group from staging.stg_customers
),

grouped as (
    select
        customer_months.month_end,
        case
            when grouping(customers.team) = 0 then 'team'
            when grouping(customers.collector) = 0 then 'collector'
            when grouping(customers.customer_group) = 0 then 'customer_group'
            else 'company'
        end as level,
        coalesce(
            case
                when grouping(customers.team) = 0 then customers.team
                when grouping(customers.collector) = 0 then customers.collector
                when grouping(customers.customer_group) = 0 then customers.customer_group
                else 'all'
            end,
            '(none)'
        ) as level_value,
        sum(outstanding_amount) as outstanding_amount,
        sum(gross_amount) as gross_amount,
        sum(current_amount) as current_amount,
        sum(overdue_amount) as overdue_amount,
        sum(expected_bad_debt_amount) as expected_bad_debt_amount,
        sum(gross_amount) filter (where is_under_follow_up) as under_follow_up_amount,
        sum(invoiced_amount) as invoiced_amount,
        sum(collected_amount) as collected_amount,
        count(*) filter (where gross_amount > 0) as customers_with_balance,
        count(*) filter (where is_under_follow_up) as customers_under_follow_up,
        sum(follow_ups) as follow_ups,
    from customer_months
    left join customers using (customer_id)
    group by grouping sets (
        (customer_months.month_end),
        (customer_months.month_end, customers.team),
        (customer_months.month_end, customers.collector),
        (customer_months.month_end, customers.customer_group)
    )
)

select * from grouped
