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

-- The customer months summed once per month-end and combination of team, collector and group (a
-- few hundred per month), so that the four levels below each group those sums instead of every
-- customer month again. Every figure is a sum or a count, so summing the sums gives the same.
combinations as (
    select
        customer_months.month_end,
        customers.team,
        customers.collector,
        customers.customer_group,
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
    group by all
),

grouped as (
    select
        month_end,
        case
            when grouping(team) = 0 then 'team'
            when grouping(collector) = 0 then 'collector'
            when grouping(customer_group) = 0 then 'customer_group'
            else 'company'
        end as level,
        coalesce(
            case
                when grouping(team) = 0 then team
                when grouping(collector) = 0 then collector
                when grouping(customer_group) = 0 then customer_group
                else 'all'
            end,
            '(none)'
        ) as level_value,
        sum(outstanding_amount) as outstanding_amount,
        sum(gross_amount) as gross_amount,
        sum(current_amount) as current_amount,
        sum(overdue_amount) as overdue_amount,
        sum(expected_bad_debt_amount) as expected_bad_debt_amount,
        sum(under_follow_up_amount) as under_follow_up_amount,
        sum(invoiced_amount) as invoiced_amount,
        sum(collected_amount) as collected_amount,
        sum(customers_with_balance)::bigint as customers_with_balance,
        sum(customers_under_follow_up)::bigint as customers_under_follow_up,
        sum(follow_ups) as follow_ups,
    from combinations
    group by grouping sets (
        (month_end),
        (month_end, team),
        (month_end, collector),
        (month_end, customer_group)
    )
)

select * from grouped
