-- Open sales orders: what has been ordered and not yet invoiced. unbilled_amount is in the
-- functional currency (an order in another currency converted at the rate in force at the as-of
-- date), unbilled_in_currency in the order's own (README: Several currencies).
with

params as (
    select currency as functional_currency, functional_minor_units from meta.build_params
),

rates as (
    select currency, fx_rate, fx_rate_date from staging.stg_fx_rates_as_of
)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date::date as order_date,
    -- rates has a row for every currency but the functional one.
    to_functional_currency(orders.unbilled_amount, rates.currency is null, rates.fx_rate, params.functional_minor_units)::decimal(18, 2)
        as unbilled_amount,
    coalesce(orders.currency, params.functional_currency) as currency,
    orders.unbilled_amount::decimal(18, 2) as unbilled_in_currency,
    case when rates.currency is null then 1 else rates.fx_rate end::decimal(24, 12) as fx_rate,
    rates.fx_rate_date,
from raw.sales_orders as orders
cross join params
left join rates on rates.currency = orders.currency
