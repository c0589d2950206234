-- Every ledger document: invoices and debit notes raise a balance, credit notes and write-offs reduce one.
-- amount is in the functional currency: a document in another currency is converted as
-- stg_fx_amounts works it out; amount_in_currency is the document's own (README: Several currencies).
with

params as (
    select currency as functional_currency, allocation from meta.build_params
),

other_allocations as (
    select load_id, file_name, allocation from staging.stg_load_allocations where entity = 'invoices'
),

converted as (
    select source_id as document_id, amount, fx_rate, fx_rate_date from staging.stg_fx_amounts where source_type = 'document'
)

select
    invoices.document_id,
    invoices.customer_id,
    invoices.document_type,
    invoices.document_date::date as document_date,
    invoices.due_date::date as due_date,
    -- converted has a row for every document in another currency than the functional one.
    -- Never the unconverted amount: null when a row dated after the as-of date has no rate yet.
    case when converted.document_id is null then invoices.amount else converted.amount end::decimal(18, 2) as amount,
    coalesce(invoices.currency, params.functional_currency) as currency,
    invoices.amount::decimal(18, 2) as amount_in_currency,
    case when converted.document_id is null then 1 else converted.fx_rate end::decimal(24, 12) as fx_rate,
    converted.fx_rate_date,
    invoices.applies_to,
    -- Ingest stores an empty field as null already; null, never '', means "not from an order".
    nullif(invoices.order_id::varchar, '') as order_id,
    invoices.document_type in ('invoice', 'debit_note') as is_debit,
    -- as_named or fifo: how a credit is aged when it names no open document (README: Allocation).
    coalesce(other_allocations.allocation, params.allocation) as allocation,
from raw.invoices as invoices
cross join params
left join other_allocations on other_allocations.load_id = invoices._load_id and other_allocations.file_name = invoices._source_file
left join converted on converted.document_id = invoices.document_id
