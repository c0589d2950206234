-- The as-of aging per currency and bucket (README: Several currencies): what is open in each
-- currency, in that currency and in the functional one, with the rate converted at. Summed over the
-- currencies, outstanding_amount is the company's aging (rpt_aging_by_bucket); every currency with
-- an open item has every configured bucket (an empty one with 0).
with

params as (
    select as_of_date, currency as functional_currency from meta.build_params
),

buckets as (
    select * from marts.dim_aging_buckets
),

open_items as (
    select * from marts.fct_open_items
),

-- One rate per currency under fx.rateDate as_of_date; under document_date the items of a
-- currency may have several, and then the currency has none (each item keeps its own).
currencies as (
    select
        currency,
        case when count(distinct fx_rate) = 1 then any_value(fx_rate) end as fx_rate,
        case when count(distinct fx_rate) = 1 and count(distinct fx_rate_date) <= 1 then any_value(fx_rate_date) end as fx_rate_date,
    from open_items
    group by all
),

totals as (
    select
        currency,
        bucket_order,
        sum(outstanding_in_currency) as outstanding_in_currency,
        sum(outstanding_amount) as outstanding_amount,
        count(*) as open_items,
        count(distinct customer_id) as customers,
    from open_items
    group by all
),

final as (
    select
        params.as_of_date,
        currencies.currency,
        currencies.currency = params.functional_currency as is_functional,
        buckets.bucket_order,
        buckets.aging_bucket,
        coalesce(totals.outstanding_in_currency, 0)::decimal(38, 2) as outstanding_in_currency,
        coalesce(totals.outstanding_amount, 0)::decimal(38, 2) as outstanding_amount,
        currencies.fx_rate::decimal(24, 12) as fx_rate,
        currencies.fx_rate_date,
        coalesce(totals.open_items, 0) as open_items,
        coalesce(totals.customers, 0) as customers,
    from currencies
    cross join buckets
    cross join params
    left join totals using (currency, bucket_order)
)

select * from final
