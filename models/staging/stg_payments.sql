-- One row per payment and the document it pays; an empty document_id is unapplied cash.
-- amount is in the functional currency: a payment in another currency is converted at the rate in
-- force at the as-of date (what it pays of a document, as stg_fx_applications works it out);
-- amount_in_currency is the payment's own (README: Several currencies).
with

params as (
    select currency as functional_currency, functional_minor_units from meta.build_params
),

rates as (
    select currency, fx_rate, fx_rate_date from staging.stg_fx_rates_as_of
),

settled as (
    select source_id as payment_id, target_id as document_id, amount from staging.stg_fx_applications where source_type = 'payment'
)

select
    payments.payment_id,
    payments.customer_id,
    payments.payment_date::date as payment_date,
    -- rates has a row for every currency but the functional one.
    case
        when rates.currency is null then payments.amount::decimal(18, 2)
        else coalesce(settled.amount, round_to_minor_units(payments.amount * rates.fx_rate, params.functional_minor_units))::decimal(18, 2)
    end as amount,
    coalesce(payments.currency, params.functional_currency) as currency,
    payments.amount::decimal(18, 2) as amount_in_currency,
    case when rates.currency is null then 1 else rates.fx_rate end::decimal(24, 12) as fx_rate,
    rates.fx_rate_date,
    payments.document_id,
from raw.payments as payments
cross join params
left join rates on rates.currency = payments.currency
left join settled on settled.payment_id = payments.payment_id and settled.document_id = payments.document_id
