-- Every document with a non-zero outstanding amount as of the as-of date once the payments and
-- credits that name it are applied; unapplied cash and unapplied credits are open items of their
-- own with a negative amount. Not yet aged, nor allocated: fct_open_items applies the FIFO
-- allocation (int_open_items_allocated, allocation: fifo) to these and ages the result.
with

params as (
    select as_of_date from meta.build_params
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
    from documents
    cross join params
    left join applied_to_documents using (document_id)
    where documents.is_debit and documents.document_date <= params.as_of_date
),

-- pooled_amount: what the FIFO allocation may use, all but a prepayment awaiting its document.
unapplied_cash as (
    select
        source_id as document_id,
        customer_id,
        'payment' as document_type,
        applied_date as document_date,
        applied_date as due_date,
        sum(amount) as amount,
        -sum(amount) as outstanding_amount,
        coalesce(sum(amount) filter (where not is_awaiting_document), 0) as pooled_amount,
    from applications
    where not is_applied and source_type = 'payment'
    group by all
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
        case when is_awaiting_document then 0 else amount end as pooled_amount,
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
