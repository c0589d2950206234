-- Every document with a non-zero outstanding amount as of the as-of date, aged. Unapplied cash
-- and unapplied credits are open items of their own with a negative amount, aged from their own
-- date, so that the buckets of a customer add up to its net balance.
with

params as (
    select as_of_date, aging_basis, bucket_bounds from meta.build_params
),

documents as (
    select * from intermediate.int_documents_due_dated
),

applications as (
    select * from intermediate.int_applications_resolved
),

buckets as (
    select * from marts.dim_aging_buckets
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
    from documents
    cross join params
    left join applied_to_documents using (document_id)
    where documents.is_debit and documents.document_date <= params.as_of_date
),

unapplied_cash as (
    select
        source_id as document_id,
        customer_id,
        'payment' as document_type,
        applied_date as document_date,
        applied_date as due_date,
        sum(amount) as amount,
        -sum(amount) as outstanding_amount,
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
    from applications
    where not is_applied and source_type <> 'payment'
),

open_items as (
    select * from debit_items where outstanding_amount <> 0
    union all
    select * from unapplied_cash
    union all
    select * from unapplied_credits
),

aged as (
    select
        open_items.*,
        days_past_due(params.as_of_date, document_date, due_date, params.aging_basis) as days_past_due,
        params.bucket_bounds,
    from open_items
    cross join params
),

final as (
    select
        params.as_of_date,
        aged.document_id,
        aged.customer_id,
        aged.document_type,
        aged.document_date,
        aged.due_date,
        aged.amount::decimal(18, 2) as amount,
        aged.outstanding_amount::decimal(38, 2) as outstanding_amount,
        aged.days_past_due::integer as days_past_due,
        buckets.aging_bucket,
        buckets.bucket_order,
    from aged
    cross join params
    left join buckets
        on buckets.bucket_order = aging_bucket_order(aged.days_past_due, aged.bucket_bounds)
)

select * from final
