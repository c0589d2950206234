-- A recommended credit limit per customer, explainable in two sentences: the customer's average
-- monthly credit sales over the last 6 months, times the days its money is out (credit term +
-- its typical days late) ÷ 30, times a factor for how it pays (prompt 1.25, slow 1, unstable
-- 0.5, defaulting 0), rounded up to two significant figures. A customer with no payment history
-- keeps its current limit.
-- The back-test replays the look-back (expectedLoss.lookbackMonths month-ends): each invoice or
-- debit note it would have held back, because the customer's balance just before it plus the
-- invoice would have exceeded the recommended limit, and the later write-offs of those invoices
-- that holding them back would have avoided. Open orders have no history and are left out.
with

params as (
    select as_of_date, ecl_lookback_months from meta.build_params
),

month_ends as (
    select * from intermediate.int_month_ends
),

customers as (
    select * from marts.dim_customers
),

latest_behaviour as (
    select * from marts.fct_customer_payment_behaviour
    where month_end = (select max(month_end) from month_ends)
),

-- Credit sales per month come from the behaviour mart, which has every month of a customer from
-- its first activity on; reading int_customer_months again would recompute the whole history.
sales_6m as (
    select customer_id, sum(invoiced_amount) / 6 as avg_monthly_sales
    from marts.fct_customer_payment_behaviour
    where month_end > (select last_day((date_trunc('month', max(month_end)) - to_months(6))::date) from month_ends)
    group by all
),

inputs as (
    select
        customers.customer_id,
        customers.customer_name,
        customers.team,
        customers.collector,
        customers.customer_group,
        customers.credit_limit as current_limit,
        coalesce(customers.credit_term_days, 0) as credit_term_days,
        coalesce(latest_behaviour.behaviour_class, 'no_history') as behaviour_class,
        coalesce(latest_behaviour.avg_days_late_6m, 0) as typical_days_late,
        coalesce(sales_6m.avg_monthly_sales, 0) as avg_monthly_sales,
        case coalesce(latest_behaviour.behaviour_class, 'no_history')
            when 'prompt' then 1.25 when 'slow' then 1.0 when 'unstable' then 0.5 when 'defaulting' then 0.0
        end as factor,
    from customers
    left join latest_behaviour using (customer_id)
    left join sales_6m using (customer_id)
),

recommended as (
    select
        *,
        avg_monthly_sales * (credit_term_days + typical_days_late) / 30 * factor as raw_limit,
        case
            when factor is null then current_limit
            when avg_monthly_sales * (credit_term_days + typical_days_late) / 30 * factor <= 0 then 0
            else ceil(raw_limit / pow(10, floor(log10(raw_limit)) - 1)) * pow(10, floor(log10(raw_limit)) - 1)
        end as recommended_limit,
    from inputs
),

window_start as (
    select (select min(month_start) from month_ends where months_back < params.ecl_lookback_months) as since
    from params
),

-- The customer's balance over time: documents raise it, payments and credits lower it. On a day,
-- payments and credits count before invoices, and invoices in document order.
events as (
    select customer_id, document_date as event_date, 1 as event_order, document_id, amount as delta, true as is_invoice
    from staging.stg_invoices where is_debit
    union all
    select customer_id, document_date, 0, document_id, -amount, false from staging.stg_invoices where not is_debit
    union all
    select customer_id, payment_date, 0, payment_id, -amount, false from staging.stg_payments
),

dated_events as (
    select events.*
    from events, params
    where events.event_date <= params.as_of_date
),

-- Everything before the back-test window is one opening balance per customer, so that only the
-- window's events are put in order: they all come after it.
opening as (
    select customer_id, sum(delta) as opening_balance
    from dated_events
    where event_date < (select since from window_start)
    group by all
),

balances as (
    select
        *,
        sum(delta) over (partition by customer_id order by event_date, event_order, document_id rows unbounded preceding)
            - delta as balance_in_window_before,
    from dated_events
    where event_date >= (select since from window_start)
),

tested as (
    select
        balances.customer_id,
        balances.document_id,
        balances.delta as amount,
        coalesce(opening.opening_balance, 0) + balances.balance_in_window_before + balances.delta
            > recommended.recommended_limit as is_held_back,
    from balances
    join recommended using (customer_id)
    left join opening using (customer_id)
    where balances.is_invoice
),

write_offs as (
    select applies_to as document_id, sum(amount) as written_off
    from staging.stg_invoices, params
    where document_type = 'write_off' and document_date <= params.as_of_date
    group by all
),

backtest as (
    select
        tested.customer_id,
        count(*) as invoices_tested,
        count(*) filter (where is_held_back) as invoices_held_back,
        coalesce(sum(tested.amount) filter (where is_held_back), 0) as amount_held_back,
        coalesce(sum(write_offs.written_off), 0) as written_off,
        coalesce(sum(write_offs.written_off) filter (where is_held_back), 0) as write_offs_avoided,
    from tested
    left join write_offs using (document_id)
    group by all
),

final as (
    select
        recommended.customer_id,
        recommended.customer_name,
        recommended.team,
        recommended.collector,
        recommended.customer_group,
        recommended.behaviour_class,
        recommended.current_limit::decimal(18, 2) as current_limit,
        recommended.recommended_limit::decimal(38, 2) as recommended_limit,
        (recommended.recommended_limit - recommended.current_limit)::decimal(38, 2) as change_amount,
        round(recommended.avg_monthly_sales, 2)::decimal(38, 2) as avg_monthly_sales,
        recommended.credit_term_days,
        recommended.typical_days_late::decimal(9, 1) as typical_days_late,
        recommended.factor::decimal(4, 2) as factor,
        case
            when recommended.factor is null then 'no payment history in the last 6 months: keep the current limit'
            else format(
                '{} payer: 6-month average credit sales {:,.2f} x ({}-day term + {:.1f} days late) / 30 x {:.2f}, rounded up',
                recommended.behaviour_class, recommended.avg_monthly_sales, recommended.credit_term_days,
                recommended.typical_days_late, recommended.factor
            )
        end as reason,
        (select since from window_start) as backtest_from,
        params.as_of_date as backtest_to,
        coalesce(backtest.invoices_tested, 0)::integer as invoices_tested,
        coalesce(backtest.invoices_held_back, 0)::integer as invoices_held_back,
        coalesce(backtest.amount_held_back, 0)::decimal(38, 2) as amount_held_back,
        coalesce(backtest.written_off, 0)::decimal(38, 2) as written_off,
        coalesce(backtest.write_offs_avoided, 0)::decimal(38, 2) as write_offs_avoided,
    from recommended
    cross join params
    left join backtest using (customer_id)
)

select * from final
