-- The cash forecast per forecast date and week (README: Cash forecast): what is expected to be
-- collected in each of the forecast.weeks weeks after the as-of date, per customer, and after each
-- history month-end before it, for the company (customer_id null), beside the back-test's naive
-- forecast and actual receipts, so that the month-ends' open items are read once. Week k covers
-- the days forecast date + 7(k−1) + 1 through forecast date + 7k.
--
-- A debit document with a positive balance is collected on its due date + d days, d drawn from a
-- distribution of amount-weighted days late (int_payments_days_late, int_cash_forecast_delays) given that it is still
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
    select as_of_date, forecast_weeks, forecast_include_open_orders, forecast_lookback_months from meta.build_params
),

weeks as (
    select unnest(range(1, forecast_weeks + 1))::integer as week from params
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

ranges as (
    select distinct forecast_date, level, level_key, first_day, last_day from delays
),

-- Only payments some forecast date's window holds: an older history costs nothing.
customer_payments as (
    select payments.customer_id, payments.payment_date, payments.days_late, payments.amount::double as weight
    from intermediate.int_payments_days_late as payments
    cross join params
    cross join (select min(month_end) as month_end from intermediate.int_month_ends) as first_month_end
    where payments.amount > 0
        and payments.payment_date <= params.as_of_date
        and payments.payment_date > forecast_window_start(least(first_month_end.month_end, params.as_of_date), params.forecast_lookback_months)
),

-- The open items of every forecast date, with the month-end whose loss rates apply.
open_items as materialized (
    select params.as_of_date as forecast_date, latest_month_end.month_end as rate_month_end,
        customer_id, document_type as item_type, document_id as item_id, due_date, bucket_order, outstanding_amount
    from marts.fct_open_items, params, latest_month_end
    union all
    select month_end, month_end, customer_id, item_type, item_id, due_date, bucket_order, outstanding_amount
    from intermediate.int_month_end_open_items, params
    where is_reported and month_end < params.as_of_date
),

open_orders as (
    select params.as_of_date as forecast_date, latest_month_end.month_end as rate_month_end,
        orders.customer_id, 'open_order' as item_type, orders.order_id as item_id,
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

-- What customers owe, less what is expected never to be collected, item by item (exact). Items of a
-- customer as late as each other at a date are spread alike: to_spread sums them, so they are not
-- summed here too (hardly any two are alike: 1.96M items made 1.93M groups at 1M documents).
spread_groups as materialized (
    select
        items.forecast_date,
        items.customer_id,
        coalesce(groups.customer_group, '(none)') as customer_group,
        items.item_type = 'open_order' as is_order,
        (items.forecast_date - items.due_date)::integer as days_late_now,
        items.outstanding_amount * (1 - coalesce(rates.loss_rate, 0)) as collectible_amount,
    from (select * from open_items union all select * from open_orders) as items
    left join groups using (customer_id)
    left join segments using (customer_id)
    left join rates
        on rates.month_end = items.rate_month_end
        and rates.segment = segments.segment
        and rates.bucket_order = items.bucket_order
    where items.item_type in ('invoice', 'debit_note', 'open_order') and items.outstanding_amount > 0
),

-- Each payment once for every forecast date whose window holds it (after the month-end
-- forecast.lookbackMonths before the date, up to the date), so that the pair joins below match on
-- customer and date: on the customer alone they met every payment of its history and dropped
-- two in three (69M candidates for 24M pairs at 1M documents). The payments are sorted by customer
-- and each is repeated for its dates where it stands, so that a customer's rows meet its probes one
-- after the other and the joins and sums after them stay in the CPU's cache (without the sort the
-- model takes a quarter longer). At 1M documents: 7.6M rows; the model 5.0-6.0 -> 3.5-3.9 s in
-- full builds, alternating (bench/README.md, 2026-12-03), the build's peak memory 2.6 -> 2.8 GB.
window_payments as materialized (
    select win.forecast_date, paid.customer_id, paid.days_late, paid.weight
    from (
        select paid.*,
            unnest(list_filter(windows.windows, lambda w: paid.payment_date <= w.forecast_date and paid.payment_date > w.window_start)) as win,
        from (select * from customer_payments order by customer_id) as paid
        cross join (
            select list({
                'forecast_date': forecast_date,
                'window_start': forecast_window_start(forecast_date, params.forecast_lookback_months),
            }) as windows
            from (select distinct forecast_date from spread_groups) as dates, params
        ) as windows
    ) as paid
),

-- Unapplied cash and credits, and any other negative balance, count in full in week 1.
unapplied as (
    select open_items.forecast_date, case when open_items.forecast_date = params.as_of_date then open_items.customer_id end as customer_id,
        'unapplied' as component, 1 as week, sum(open_items.outstanding_amount)::double as amount
    from open_items
    cross join params
    where not (open_items.item_type in ('invoice', 'debit_note') and open_items.outstanding_amount > 0)
    group by all
),

-- Per item lateness at a date, the weight of the customer's payments in the window later than that:
-- its own level when there are 5 or more. The pairs of lateness and payment are made twice, here
-- and weighted in `spread`, rather than summed per week once: 16M pairs make 4.5M probe-weeks at 1M
-- documents, and a hash table that large costs more than a second join.
customer_probes as materialized (
    select probes.forecast_date, probes.customer_id, probes.days_late_now, sum(paid.weight) as tail_weight
    from window_payments as paid
    join (select distinct forecast_date, customer_id, days_late_now from spread_groups) as probes
        on paid.customer_id = probes.customer_id
        and paid.forecast_date = probes.forecast_date
        and paid.days_late > probes.days_late_now
    group by all
    having count(*) >= 5
),

-- What a pooled distribution holds beyond a day count: its weight up to the count clamped into
-- the distribution's range (below it nothing, above it everything), an equality join.
pooled_probes as (
    select distinct forecast_date, 'customer_group' as level, customer_group as level_key, days_late_now from spread_groups
    union all
    select distinct forecast_date, 'portfolio', 'all', days_late_now from spread_groups
),

pooled_lookups as (
    select pooled_probes.*, greatest(ranges.first_day, least(pooled_probes.days_late_now, ranges.last_day)) as lookup_day
    from pooled_probes
    join ranges using (forecast_date, level, level_key)
),

pooled_tails as materialized (
    select
        pooled_lookups.forecast_date, pooled_lookups.level, pooled_lookups.level_key, pooled_lookups.days_late_now,
        delays.total_weight - delays.cumulative_weight as tail_weight,
        delays.total_payments - delays.cumulative_payments as tail_payments,
    from pooled_lookups
    join delays
        on delays.forecast_date = pooled_lookups.forecast_date
        and delays.level = pooled_lookups.level
        and delays.level_key = pooled_lookups.level_key
        and delays.days_late = pooled_lookups.lookup_day
),

-- Each spread group's distribution: its customer's own, else its group's, else the portfolio's;
-- at the as-of date per customer, at the back-test's month-ends only the company total is read,
-- so the groups are summed before they are spread (customer_id null).
chosen as (
    select
        spread_groups.forecast_date,
        case when spread_groups.forecast_date = params.as_of_date then spread_groups.customer_id end as customer_id,
        case
            when spread_groups.is_order then 'open_orders'
            when spread_groups.days_late_now < 0 then 'not_yet_due'
            else 'overdue'
        end as component,
        case
            when customer_probes.customer_id is not null then 'customer'
            when group_tails.tail_payments >= 5 then 'customer_group'
            when portfolio_tails.tail_weight > 0 then 'portfolio'
        end as level,
        case
            when customer_probes.customer_id is not null then spread_groups.customer_id
            when group_tails.tail_payments >= 5 then spread_groups.customer_group
            when portfolio_tails.tail_weight > 0 then 'all'
        end as level_key,
        spread_groups.days_late_now,
        -- what the customer's own weeks are shares of (null on a pooled level)
        customer_probes.tail_weight as own_tail_weight,
        spread_groups.collectible_amount,
    from spread_groups
    cross join params
    left join customer_probes using (forecast_date, customer_id, days_late_now)
    left join pooled_tails as group_tails
        on group_tails.forecast_date = spread_groups.forecast_date
        and group_tails.level = 'customer_group'
        and group_tails.level_key = spread_groups.customer_group
        and group_tails.days_late_now = spread_groups.days_late_now
    left join pooled_tails as portfolio_tails
        on portfolio_tails.forecast_date = spread_groups.forecast_date
        and portfolio_tails.level = 'portfolio'
        and portfolio_tails.days_late_now = spread_groups.days_late_now
),

to_spread as materialized (
    select forecast_date, customer_id, component, level, level_key, days_late_now, own_tail_weight, sum(collectible_amount)::double as collectible_amount
    from chosen
    where level is not null
    group by all
),

-- A pooled distribution's share of each week: the weight of the delays in the week (one row of
-- the distribution, whose rows reach a week past its latest delay) over the weight beyond how late
-- the item already is.
week_lookups as (
    select
        used.forecast_date, used.level, used.level_key, used.days_late_now, pooled_tails.tail_weight, weeks.week,
        greatest(ranges.first_day, least(used.days_late_now + 7 * weeks.week, ranges.last_day + 7)) as lookup_day,
    from (select distinct forecast_date, level, level_key, days_late_now from to_spread where level <> 'customer') as used
    join pooled_tails using (forecast_date, level, level_key, days_late_now)
    join ranges using (forecast_date, level, level_key)
    cross join weeks
),

pooled_shares as (
    select
        week_lookups.forecast_date, week_lookups.level, week_lookups.level_key, week_lookups.days_late_now, week_lookups.week,
        delays.week_weight::double / week_lookups.tail_weight::double as share,
    from week_lookups
    join delays
        on delays.forecast_date = week_lookups.forecast_date
        and delays.level = week_lookups.level
        and delays.level_key = week_lookups.level_key
        and delays.days_late = week_lookups.lookup_day
),

-- The back-test's yardsticks at its month-ends: every document paid on its due date (overdue ones
-- in week 1), and the payments that came in against the documents then open.
naive as (
    select forecast_date, null as customer_id, 'naive' as component,
        greatest(1, ceil((due_date - forecast_date) / 7))::integer as week, sum(outstanding_amount)::double as amount
    from open_items
    cross join params
    where forecast_date < params.as_of_date
        and item_type in ('invoice', 'debit_note')
        and outstanding_amount > 0
        and due_date - forecast_date <= 7 * params.forecast_weeks
    group by all
),

actual as (
    select open_items.forecast_date, null as customer_id, 'actual' as component,
        ceil((payments.payment_date - open_items.forecast_date) / 7)::integer as week, sum(payments.amount)::double as amount
    from open_items
    cross join params
    join staging.stg_payments as payments
        on payments.document_id = open_items.item_id
        and payments.customer_id = open_items.customer_id
        and payments.payment_date > open_items.forecast_date
        and payments.payment_date <= open_items.forecast_date + 7 * params.forecast_weeks
    where open_items.forecast_date < params.as_of_date
        and open_items.item_type in ('invoice', 'debit_note')
        and open_items.outstanding_amount > 0
    group by all
),

-- Share of week k = weight of the week ÷ weight beyond how late the item already is. An item on its
-- customer's own delays is paired again with the payments within the horizon, each weighted by
-- what the item is expected to bring over the weight beyond (own_tail_weight), and summed straight
-- into the forecast's weeks: a back-test month-end has only the company's few, the as-of date one
-- per customer.
spread as (
    select own.forecast_date, own.customer_id, own.component,
        ((paid.days_late - own.days_late_now + 6) // 7)::integer as week,
        sum(own.collectible_amount * (paid.weight / own.own_tail_weight)) as amount
    from window_payments as paid
    join (
        select to_spread.*, days_late_now + 7 * params.forecast_weeks as horizon_day,
        from to_spread, params
        where to_spread.level = 'customer'
    ) as own
        on paid.customer_id = own.level_key
        and paid.forecast_date = own.forecast_date
        and paid.days_late > own.days_late_now
        and paid.days_late <= own.horizon_day
    group by all
    union all
    select to_spread.forecast_date, to_spread.customer_id, to_spread.component, pooled_shares.week,
        to_spread.collectible_amount * pooled_shares.share as amount
    from to_spread
    join pooled_shares using (forecast_date, level, level_key, days_late_now)
    where pooled_shares.share <> 0
    union all
    select * from unapplied
    union all
    select * from naive
    union all
    select * from actual
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
        sum(amount) filter (where component = 'naive') as naive_amount,
        sum(amount) filter (where component = 'actual') as actual_amount,
    from spread
    group by all
)

select * from final
