-- One row per payment and the document it pays; an empty document_id is unapplied cash.
-- amount is in the functional currency: a payment in another currency is converted as
-- stg_fx_amounts works it out; amount_in_currency is the payment's own (README: Several currencies).
with

params as (
    select currency as functional_currency, allocation from meta.build_params
),

other_allocations as (
    select load_id, file_name, allocation from staging.stg_load_allocations where entity = 'payments'
),

converted as (
    select source_id as payment_id, target_id as document_id, amount, fx_rate, fx_rate_date
    from staging.stg_fx_amounts
    where source_type = 'payment'
)

select
    payments.payment_id,
    payments.customer_id,
    payments.payment_date::date as payment_date,
    -- converted has a row for every payment row in another currency than the functional one.
    -- Never the unconverted amount: null when a row dated after the as-of date has no rate yet.
    case when converted.payment_id is null then payments.amount else converted.amount end::decimal(18, 2) as amount,
    coalesce(payments.currency, params.functional_currency) as currency,
    payments.amount::decimal(18, 2) as amount_in_currency,
    case when converted.payment_id is null then 1 else converted.fx_rate end::decimal(24, 12) as fx_rate,
    converted.fx_rate_date,
    payments.document_id,
    -- as_named or fifo: how the payment is aged when it names no open document (README: Allocation).
    coalesce(other_allocations.allocation, params.allocation) as allocation,
from raw.payments as payments
cross join params
left join other_allocations on other_allocations.load_id = payments._load_id and other_allocations.file_name = payments._source_file
left join converted
    on converted.payment_id = payments.payment_id
    and converted.document_id is not distinct from payments.document_id
