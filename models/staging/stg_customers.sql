-- One row per customer as the ERP exports it. Ingest has typed and checked every value.
-- credit_limit is in the functional currency: a limit the customers extract gives in another
-- currency (its currency column) is converted at the rate in force at the as-of date, so that it
-- is compared with an exposure in the same currency (README: Several currencies).
with

params as (
    select currency as functional_currency, functional_minor_units from meta.build_params
),

rates as (
    select currency, fx_rate, fx_rate_date from staging.stg_fx_rates_as_of
)

select
    customers.customer_id,
    customers.customer_name,
    customers.customer_group,
    customers.team,
    customers.collector,
    customers.collector_email,
    -- rates has a row for every currency but the functional one.
    to_functional_currency(customers.credit_limit, rates.currency is null, rates.fx_rate, params.functional_minor_units)::decimal(18, 2)
        as credit_limit,
    coalesce(customers.currency, params.functional_currency) as credit_limit_currency,
    customers.credit_limit::decimal(18, 2) as credit_limit_in_currency,
    customers.credit_term_days::integer as credit_term_days,
    coalesce(customers.status, 'active') as status,
from raw.customers as customers
cross join params
left join rates on rates.currency = customers.currency
