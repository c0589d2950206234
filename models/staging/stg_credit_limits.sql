-- The history of credit limits and terms: each row is in force from its effective date on.
-- credit_limit is in the functional currency: a customer whose limit the customers extract gives in
-- another currency has its history in that currency too, converted at the rate in force at the
-- as-of date (README: Several currencies).
with

params as (
    select currency as functional_currency, functional_minor_units from meta.build_params
),

rates as (
    select currency, fx_rate from staging.stg_fx_rates_as_of
),

customers as (
    select customer_id, currency from raw.customers
)

select
    limits.customer_id,
    limits.effective_date::date as effective_date,
    -- rates has a row for every currency but the functional one.
    to_functional_currency(limits.credit_limit, rates.currency is null, rates.fx_rate, params.functional_minor_units)::decimal(18, 2)
        as credit_limit,
    limits.credit_limit::decimal(18, 2) as credit_limit_in_currency,
    limits.credit_term_days::integer as credit_term_days,
from raw.credit_limits as limits
cross join params
left join customers using (customer_id)
left join rates on rates.currency = customers.currency
