-- The cash forecast per forecast date, customer and week (README: Cash forecast): for the as-of
-- date, and for each history month-end before it (the back-test), what is expected to be
-- collected in each of the forecast.weeks weeks after it. Week k covers the days
-- forecast date + 7(k−1) + 1 through forecast date + 7k.
--
-- A debit document with a positive balance is collected on its due date + d days, d drawn from a
-- distribution of amount-weighted days late (int_cash_forecast_delays) given that it is still
-- unpaid at the forecast date: only the delays beyond how late it already is (forecast date − due
-- date, negative when not yet due) count, rescaled to 1. The distribution is the customer's own
-- when it holds at least 5 payments later than that (below 5 one payment decides too much), else
-- the customer group's, else the portfolio's; when not even the portfolio paid that late, the item
-- is not forecast within the horizon. Share of week k = (weight of delays in (p + 7(k−1), p + 7k])
-- ÷ (weight of delays beyond p), p = forecast date − due date; the share beyond the last week is
-- not forecast. What is expected never to be collected, the balance × the loss rate of its
-- segment and bucket (fct_loss_rates at the latest month-end on or before the forecast date; 0
-- when unknown), is taken off first.
-- Unapplied cash and credits, and any other negative balance, are unapplied_amount in week 1: the
-- cash is in already, and the customer will set it against what it owes, oldest first
-- (rpt_cash_forecast takes it off week 1's overdue; the back-test, whose actuals are payments
-- against documents, leaves it out).
-- Open orders (forecast.includeOpenOrders, as-of date only; orders have no history): each order's
-- unbilled amount is assumed invoiced on the as-of date and due after the customer's credit term in
-- force (0 without one), then spread like a not-yet-due invoice, less the not-due loss rate.
with

params as (
    select as_of_date, forecast_weeks, forecast_include_open_orders from meta.build_params
),

weeks as (
    select unnest(range(0, forecast_weeks + 1))::integer as week from params
),

latest_month_end as (
    select max(month_end) as month_end from intermediate.int_month_ends
),

customers as (
    select customer_id, credit_term_days from marts.dim_customers
),

groups as (
    select customer_id, customer_group from staging.stg_customers
),

segments as (
    select * from intermediate.int_customer_segments
),

rates as (
    select month_end, segment, bucket_order, loss_rate from marts.fct_loss_rates
),

delays as (
    select * from intermediate.int_cash_forecast_delays
),

-- The open items of every forecast date, with the month-end whose loss rates apply.
open_items as (
    select params.as_of_date as forecast_date, latest_month_end.month_end as rate_month_end,
        customer_id, document_type as item_type, due_date, bucket_order, outstanding_amount
    from marts.fct_open_items, params, latest_month_end
    union all
    select month_end, month_end, customer_id, item_type, due_date, bucket_order, outstanding_amount
    from intermediate.int_month_end_open_items, params
    where is_reported and month_end < params.as_of_date
),

open_orders as (
    select params.as_of_date as forecast_date, latest_month_end.month_end as rate_month_end,
        orders.customer_id, 'open_order' as item_type,
        params.as_of_date + coalesce(customers.credit_term_days, 0) as due_date, 0 as bucket_order,
        orders.unbilled_amount as outstanding_amount
    from staging.stg_sales_orders as orders
    cross join params
    cross join latest_month_end
    left join customers using (customer_id)
    where params.forecast_include_open_orders
        and orders.unbilled_amount > 0
        and (orders.order_date is null or orders.order_date <= params.as_of_date)
),

items as (
    select
        items.forecast_date,
        items.customer_id,
        coalesce(groups.customer_group, '(none)') as customer_group,
        case
            when items.item_type = 'open_order' then 'open_orders'
            when items.due_date > items.forecast_date then 'not_yet_due'
            else 'overdue'
        end as component,
        items.item_type in ('invoice', 'debit_note', 'open_order') and items.outstanding_amount > 0 as is_spread,
        (items.forecast_date - items.due_date)::integer as days_late_now,
        -- Only what customers owe can be lost; unapplied cash and credits count in full.
        items.outstanding_amount * case when is_spread then 1 - coalesce(rates.loss_rate, 0) else 1 end as collectible_amount,
    from (select * from open_items union all select * from open_orders) as items
    left join groups using (customer_id)
    left join segments using (customer_id)
    left join rates
        on rates.month_end = items.rate_month_end
        and rates.segment = segments.segment
        and rates.bucket_order = items.bucket_order
),

-- Items of a customer as late as each other at a date are spread alike: spread their sum once.
spread_groups as (
    select forecast_date, customer_id, customer_group, component, days_late_now, sum(collectible_amount) as collectible_amount
    from items
    where is_spread
    group by all
),

probes as (
    select distinct forecast_date, customer_id, customer_group, days_late_now from spread_groups
),

candidate_levels as (
    select *, 1 as level_rank, 'customer' as level, customer_id as level_key from probes
    union all
    select *, 2, 'customer_group', customer_group from probes
    union all
    select *, 3, 'portfolio', 'all' from probes
),

totals as (
    select distinct forecast_date, level, level_key, total_weight, total_payments from delays
),

-- What each distribution holds beyond how late the item already is.
tails as (
    select
        candidate_levels.*,
        totals.total_weight - coalesce(delays.cumulative_weight, 0) as tail_weight,
        totals.total_payments - coalesce(delays.cumulative_payments, 0) as tail_payments,
    from candidate_levels
    join totals using (forecast_date, level, level_key)
    asof left join delays
        on delays.forecast_date = candidate_levels.forecast_date
        and delays.level = candidate_levels.level
        and delays.level_key = candidate_levels.level_key
        and delays.days_late <= candidate_levels.days_late_now
),

chosen as (
    select
        forecast_date, customer_id, days_late_now,
        arg_min(level, level_rank) as level,
        arg_min(level_key, level_rank) as level_key,
        arg_min(tail_weight, level_rank) as tail_weight,
    from tails
    where tail_weight > 0 and (tail_payments >= 5 or level = 'portfolio')
    group by all
),

week_probes as (
    select distinct forecast_date, level, level_key, days_late_now, tail_weight from chosen
),

-- The weight of delays up to the end of each week (week 0: up to the forecast date itself).
cumulative_by_week as (
    select
        week_probes.*,
        weeks.week,
        coalesce(delays.cumulative_weight, 0) as cumulative_weight,
    from week_probes
    cross join weeks
    asof left join delays
        on delays.forecast_date = week_probes.forecast_date
        and delays.level = week_probes.level
        and delays.level_key = week_probes.level_key
        and delays.days_late <= week_probes.days_late_now + 7 * weeks.week
),

shares as (
    select
        forecast_date, level, level_key, days_late_now, week,
        (cumulative_weight - lag(cumulative_weight) over by_probe)::double / tail_weight::double as share,
    from cumulative_by_week
    window by_probe as (partition by forecast_date, level, level_key, days_late_now order by week)
    qualify week > 0
),

spread as (
    select spread_groups.forecast_date, spread_groups.customer_id, spread_groups.component, shares.week,
        spread_groups.collectible_amount::double * shares.share as amount
    from spread_groups
    join chosen using (forecast_date, customer_id, days_late_now)
    join shares using (forecast_date, level, level_key, days_late_now)
    where shares.share <> 0
    union all
    select forecast_date, customer_id, 'unapplied', 1, collectible_amount::double
    from items
    where not is_spread
),

final as (
    select
        forecast_date,
        customer_id,
        week,
        coalesce(sum(amount) filter (where component = 'not_yet_due'), 0) as not_yet_due_amount,
        coalesce(sum(amount) filter (where component = 'overdue'), 0) as overdue_amount,
        coalesce(sum(amount) filter (where component = 'unapplied'), 0) as unapplied_amount,
        coalesce(sum(amount) filter (where component = 'open_orders'), 0) as open_orders_amount,
    from spread
    group by all
)

select * from final
