-- Every ledger document: invoices and debit notes raise a balance, credit notes and write-offs reduce one.
-- amount is in the functional currency: a document in another currency is converted at the rate in
-- force at the as-of date (a credit that names a document, as stg_fx_applications works it out);
-- amount_in_currency is the document's own (README: Several currencies).
with

params as (
    select currency as functional_currency, functional_minor_units from meta.build_params
),

rates as (
    select currency, fx_rate, fx_rate_date from staging.stg_fx_rates_as_of
),

settled as (
    select source_id as document_id, amount from staging.stg_fx_applications where source_type = 'credit'
)

select
    invoices.document_id,
    invoices.customer_id,
    invoices.document_type,
    invoices.document_date::date as document_date,
    invoices.due_date::date as due_date,
    -- rates has a row for every currency but the functional one.
    case
        when rates.currency is null then invoices.amount::decimal(18, 2)
        else coalesce(settled.amount, round_to_minor_units(invoices.amount * rates.fx_rate, params.functional_minor_units))::decimal(18, 2)
    end as amount,
    coalesce(invoices.currency, params.functional_currency) as currency,
    invoices.amount::decimal(18, 2) as amount_in_currency,
    case when rates.currency is null then 1 else rates.fx_rate end::decimal(24, 12) as fx_rate,
    rates.fx_rate_date,
    invoices.applies_to,
    -- Ingest stores an empty field as null already; null, never '', means "not from an order".
    nullif(invoices.order_id::varchar, '') as order_id,
    invoices.document_type in ('invoice', 'debit_note') as is_debit,
from raw.invoices as invoices
cross join params
left join rates on rates.currency = invoices.currency
left join settled on settled.document_id = invoices.document_id
