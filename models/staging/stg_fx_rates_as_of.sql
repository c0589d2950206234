-- The exchange rate at the as-of date (README: Several currencies) for each currency converted at
-- it: open orders' and credit limits', and under fx.rateDate as_of_date the documents' and
-- payments' too: the latest fx_rates row dated on or before the as-of date, when it is at most
-- fx.maxRateAgeDays old. fx_rate is null when there is none: the build stops there, with a data
-- test naming the currency, the date and the latest rate it found.
with

params as (
    select as_of_date, currency as functional_currency, fx_max_rate_age_days, fx_rate_date_basis from meta.build_params
),

used as (
    select currency from raw.sales_orders
    union
    select currency from raw.customers
    union
    select currency from raw.invoices, params where params.fx_rate_date_basis = 'as_of_date'
    union
    select currency from raw.payments, params where params.fx_rate_date_basis = 'as_of_date'
),

foreign_currencies as (
    select used.currency
    from used, params
    where used.currency is not null and used.currency <> params.functional_currency
),

latest as (
    select fx_rates.currency, max(fx_rates.rate_date) as rate_date, arg_max(fx_rates.rate, fx_rates.rate_date) as rate
    from staging.stg_fx_rates as fx_rates, params
    where fx_rates.rate_date <= params.as_of_date
    group by all
),

final as (
    select
        foreign_currencies.currency,
        params.as_of_date,
        latest.rate_date as latest_rate_date,
        case when latest.rate_date >= params.as_of_date - params.fx_max_rate_age_days then latest.rate end as fx_rate,
        case when latest.rate_date >= params.as_of_date - params.fx_max_rate_age_days then latest.rate_date end as fx_rate_date,
    from foreign_currencies
    cross join params
    left join latest using (currency)
)

select * from final
