-- One row per customer: its net balance, open orders, exposure against the credit limit in
-- force on the as-of date, and what is overdue. Overdue and expected bad debt count what the
-- customer owes (positive open items); unapplied cash and credits reduce only the net balance. Customers that appear only in documents or
-- orders (not in the customers extract) are kept, so that totals still reconcile.
with

params as (
    select as_of_date, max_debt_age_days, warn_at from meta.build_params
),

customers as (
    select * from staging.stg_customers
),

open_items as (
    select * from marts.fct_open_items
),

orders as (
    select customer_id, sum(unbilled_amount) as open_orders_amount
    from staging.stg_sales_orders, params
    where order_date is null or order_date <= params.as_of_date
    group by all
),

limit_history as (
    select * from staging.stg_credit_limits, params
    where effective_date <= params.as_of_date
),

limits_in_force as (
    select
        customer_id,
        arg_max(credit_limit, effective_date) as credit_limit,
        arg_max(credit_term_days, effective_date) filter (where credit_term_days is not null) as credit_term_days,
    from limit_history
    group by all
),

balances as (
    select
        customer_id,
        sum(outstanding_amount) as outstanding_amount,
        sum(outstanding_amount) filter (where outstanding_amount > 0 and days_past_due > 0) as overdue_amount,
        max(days_past_due) filter (where outstanding_amount > 0) as max_days_past_due,
        sum(outstanding_amount) filter (
            where outstanding_amount > 0 and days_past_due > params.max_debt_age_days
        ) as expected_bad_debt_amount,
    from open_items, params
    group by all
),

all_customers as (
    select customer_id from customers
    union
    select customer_id from balances
    union
    select customer_id from orders
),

joined as (
    select
        all_customers.customer_id,
        customers.customer_name,
        customers.customer_group,
        customers.team,
        customers.collector,
        customers.collector_email,
        customers.status,
        customers.customer_id is not null as is_in_customers_extract,
        case when limits_in_force.customer_id is not null then limits_in_force.credit_limit else customers.credit_limit end
            as credit_limit,
        coalesce(limits_in_force.credit_term_days, customers.credit_term_days) as credit_term_days,
        coalesce(balances.outstanding_amount, 0) as outstanding_amount,
        coalesce(orders.open_orders_amount, 0) as open_orders_amount,
        coalesce(balances.overdue_amount, 0) as overdue_amount,
        greatest(coalesce(balances.max_days_past_due, 0), 0) as max_days_past_due,
        coalesce(balances.expected_bad_debt_amount, 0) as expected_bad_debt_amount,
    from all_customers
    left join customers using (customer_id)
    left join limits_in_force using (customer_id)
    left join balances using (customer_id)
    left join orders using (customer_id)
),

final as (
    select
        customer_id,
        customer_name,
        customer_group,
        team,
        collector,
        collector_email,
        status,
        is_in_customers_extract,
        credit_limit::decimal(18, 2) as credit_limit,
        credit_term_days::integer as credit_term_days,
        outstanding_amount::decimal(38, 2) as outstanding_amount,
        open_orders_amount::decimal(38, 2) as open_orders_amount,
        (outstanding_amount + open_orders_amount)::decimal(38, 2) as exposure_amount,
        case when credit_limit > 0
            then round((outstanding_amount + open_orders_amount) / credit_limit, 4)::decimal(38, 4)
        end as utilisation,
        (credit_limit - (outstanding_amount + open_orders_amount))::decimal(38, 2) as available_credit,
        overdue_amount::decimal(38, 2) as overdue_amount,
        max_days_past_due::integer as max_days_past_due,
        expected_bad_debt_amount::decimal(38, 2) as expected_bad_debt_amount,
        case
            when credit_limit is null then 'no_limit'
            when outstanding_amount + open_orders_amount > credit_limit then 'over_limit'
            when credit_limit > 0 and outstanding_amount + open_orders_amount >= params.warn_at * credit_limit then 'near_limit'
            else 'ok'
        end as credit_status,
    from joined, params
)

select * from final
