-- The cash forecast (README: Cash forecast): what is expected to be collected in each of the next
-- forecast.weeks weeks after the as-of date, for the company, each team, collector, customer
-- group and customer (by the customer's current team, collector and group; none: (none)). Week k
-- covers as-of + 7(k−1) + 1 through as-of + 7k. Split into documents not yet due at the as-of date,
-- documents already overdue (less unapplied cash and credits, in week 1) and open orders
-- (forecast.includeOpenOrders); expected_amount is their sum, net of expected credit loss. How
-- each item is spread over the weeks: marts.rpt_cash_forecast_weeks.
with

params as (
    select as_of_date, forecast_weeks from meta.build_params
),

weeks as (
    select unnest(range(1, forecast_weeks + 1))::integer as week from params
),

weekly as (
    select weekly.*
    from marts.rpt_cash_forecast_weeks as weekly, params
    where weekly.forecast_date = params.as_of_date
),

customers as (
    select customer_id, team, collector, customer_group from staging.stg_customers
),

grouped as (
    select
        case
            when grouping(customers.team) = 0 then 'team'
            when grouping(customers.collector) = 0 then 'collector'
            when grouping(customers.customer_group) = 0 then 'customer_group'
            when grouping(weekly.customer_id) = 0 then 'customer'
            else 'company'
        end as level,
        case
            when grouping(customers.team) = 0 then coalesce(customers.team, '(none)')
            when grouping(customers.collector) = 0 then coalesce(customers.collector, '(none)')
            when grouping(customers.customer_group) = 0 then coalesce(customers.customer_group, '(none)')
            when grouping(weekly.customer_id) = 0 then weekly.customer_id
        end as level_value,
        weekly.week,
        sum(weekly.not_yet_due_amount) as not_yet_due_amount,
        sum(weekly.overdue_amount + weekly.unapplied_amount) as overdue_amount,
        sum(weekly.open_orders_amount) as open_orders_amount,
    from weekly
    left join customers using (customer_id)
    group by grouping sets (
        (weekly.week),
        (weekly.week, customers.team),
        (weekly.week, customers.collector),
        (weekly.week, customers.customer_group),
        (weekly.week, weekly.customer_id)
    )
),

-- Every level value has every week, 0 where nothing is expected; the company always has a row.
grid as (
    select level, level_value, week
    from (select distinct level, level_value from grouped union select 'company', null) as level_values
    cross join weeks
),

final as (
    select
        params.as_of_date,
        grid.week,
        params.as_of_date + 7 * (grid.week - 1) + 1 as week_start,
        params.as_of_date + 7 * grid.week as week_end,
        grid.level,
        grid.level_value,
        round(coalesce(grouped.not_yet_due_amount, 0), 2)::decimal(38, 2) as not_yet_due_amount,
        round(coalesce(grouped.overdue_amount, 0), 2)::decimal(38, 2) as overdue_amount,
        round(coalesce(grouped.open_orders_amount, 0), 2)::decimal(38, 2) as open_orders_amount,
        round(coalesce(grouped.not_yet_due_amount + grouped.overdue_amount + grouped.open_orders_amount, 0), 2)::decimal(38, 2)
            as expected_amount,
    from grid
    cross join params
    left join grouped
        on grouped.level = grid.level
        and grouped.level_value is not distinct from grid.level_value
        and grouped.week = grid.week
)

select * from final
