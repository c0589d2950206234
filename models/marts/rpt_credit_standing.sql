-- What the order-time credit check decides from, one row per customer: its exposure against the
-- limit in force, the overdue amounts past the check's day counts (creditCheck.graceDays,
-- creditCheck.holdDaysPastDue, badDebt.maxDebtAgeDays, counted on what the customer owes), and
-- its behaviour class at the latest month-end. The check adds pending approvals and the order.
with

params as (
    select as_of_date, max_debt_age_days, credit_grace_days, credit_hold_days_past_due
    from meta.build_params
),

customers as (
    select * from marts.dim_customers
),

open_items as (
    select * from marts.fct_open_items
),

latest_behaviour as (
    select customer_id, behaviour_class
    from marts.fct_customer_payment_behaviour
    where month_end = (select max(month_end) from intermediate.int_month_ends)
),

late_amounts as (
    select
        customer_id,
        sum(outstanding_amount) filter (where days_past_due > params.credit_grace_days)
            as overdue_past_grace_amount,
        sum(outstanding_amount) filter (where days_past_due > params.credit_hold_days_past_due)
            as overdue_past_hold_amount,
        sum(outstanding_amount) filter (where days_past_due > params.max_debt_age_days)
            as overdue_past_max_age_amount,
    from open_items, params
    where outstanding_amount > 0
    group by all
),

final as (
    select
        customers.customer_id,
        customers.customer_name,
        customers.team,
        customers.collector,
        customers.customer_group,
        coalesce(customers.status, 'active') as status,
        customers.credit_limit,
        customers.outstanding_amount,
        customers.open_orders_amount,
        customers.overdue_amount,
        customers.max_days_past_due,
        coalesce(late_amounts.overdue_past_grace_amount, 0)::decimal(38, 2) as overdue_past_grace_amount,
        coalesce(late_amounts.overdue_past_hold_amount, 0)::decimal(38, 2) as overdue_past_hold_amount,
        coalesce(late_amounts.overdue_past_max_age_amount, 0)::decimal(38, 2) as overdue_past_max_age_amount,
        coalesce(latest_behaviour.behaviour_class, 'no_history') as behaviour_class,
    from customers
    left join late_amounts using (customer_id)
    left join latest_behaviour using (customer_id)
)

select * from final
