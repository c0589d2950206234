-- Every document with a non-zero outstanding amount as of the as-of date once the payments and
-- credits that name it are applied; unapplied cash and unapplied credits are open items of their
-- own with a negative amount. Not yet aged, nor allocated: fct_open_items applies the FIFO
-- allocation (int_open_items_allocated, allocation: fifo) to these and ages the result.
with

params as (
    select as_of_date, currency as functional_currency from meta.build_params
),

minor_units as (
    select currency, minor_units from meta.build_currencies
),

documents as (
    select * from intermediate.int_documents_due_dated
),

applications as (
    select * from intermediate.int_applications_resolved
),

applied_to_documents as (
    select target_id as document_id, sum(amount) as applied_amount
    from applications
    where is_applied
    group by all
),

-- What was applied to a document in another currency than the functional one, in its currency
-- (README: Several currencies): what came in that currency as it came; what came in another one
-- through its functional amount, at the document's rate, to the currency's minor units.
applied_in_currency as (
    select
        documents.document_id,
        sum(case
            when applications.currency = documents.currency then applications.amount_in_currency
            else from_functional_currency(applications.amount, documents.fx_rate, minor_units.minor_units)
        end) as applied_in_currency,
    from applications
    cross join params
    join documents
        on documents.document_id = applications.target_id
        and documents.customer_id = applications.customer_id
        and documents.is_debit
        and documents.currency <> params.functional_currency
    left join minor_units on minor_units.currency = documents.currency
    where applications.is_applied
    group by all
),

debit_items as (
    select
        documents.document_id,
        documents.customer_id,
        documents.document_type,
        documents.document_date,
        documents.due_date,
        documents.amount,
        documents.amount - coalesce(applied_to_documents.applied_amount, 0) as outstanding_amount,
        null as pooled_amount,
        documents.currency,
        case
            when documents.currency = params.functional_currency then documents.amount - coalesce(applied_to_documents.applied_amount, 0)
            else documents.amount_in_currency - coalesce(applied_in_currency.applied_in_currency, 0)
        end as outstanding_in_currency,
        documents.fx_rate,
        documents.fx_rate_date,
    from documents
    cross join params
    left join applied_to_documents using (document_id)
    left join applied_in_currency using (document_id)
    where documents.is_debit and documents.document_date <= params.as_of_date
),

-- pooled_amount: what the FIFO allocation may use: what is allocated fifo (its source's allocation,
-- else the top-level one), all but a prepayment awaiting its document.
unapplied_cash as (
    select
        source_id as document_id,
        customer_id,
        'payment' as document_type,
        applied_date as document_date,
        applied_date as due_date,
        sum(amount) as amount,
        -sum(amount) as outstanding_amount,
        coalesce(sum(amount) filter (where not is_awaiting_document and allocation = 'fifo'), 0) as pooled_amount,
        -- Ingest keeps the rows of a payment in one currency.
        any_value(currency) as currency,
        -sum(amount_in_currency) as outstanding_in_currency,
        any_value(fx_rate) as fx_rate,
        any_value(fx_rate_date) as fx_rate_date,
    from applications
    where not is_applied and source_type = 'payment'
    group by source_id, customer_id, applied_date
),

unapplied_credits as (
    select
        source_id as document_id,
        customer_id,
        source_type as document_type,
        applied_date as document_date,
        applied_date as due_date,
        amount,
        -amount as outstanding_amount,
        case when is_awaiting_document or allocation <> 'fifo' then 0 else amount end as pooled_amount,
        currency,
        -amount_in_currency as outstanding_in_currency,
        fx_rate,
        fx_rate_date,
    from applications
    where not is_applied and source_type <> 'payment'
),

final as (
    select * from debit_items where outstanding_amount <> 0
    union all
    select * from unapplied_cash
    union all
    select * from unapplied_credits
)

select * from final
