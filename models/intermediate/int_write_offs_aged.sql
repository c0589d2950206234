-- Every applied write-off with the bucket its document was in at the month-end before the
-- write-off: the write-off leg of the roll rates and of the allowance movement.
with

params as (
    select aging_basis, bucket_bounds from meta.build_params
),

documents as (
    select * from intermediate.int_documents_due_dated
),

write_offs as (
    select
        write_off.document_id as write_off_id,
        write_off.customer_id,
        write_off.document_date as written_off_on,
        write_off.amount,
        target.document_id as target_id,
        target.document_date as target_document_date,
        target.due_date as target_due_date,
        last_day(write_off.document_date) as month_end,
        (date_trunc('month', write_off.document_date) - interval 1 day)::date as previous_month_end,
    from documents as write_off
    join documents as target
        on target.document_id = write_off.applies_to
        and target.customer_id = write_off.customer_id
        and target.is_debit
    where write_off.document_type = 'write_off'
),

final as (
    select
        write_offs.*,
        case when target_document_date <= previous_month_end
            then days_past_due(previous_month_end, target_document_date, target_due_date, params.aging_basis)
        end as days_past_due_before,
        aging_bucket_order(days_past_due_before, params.bucket_bounds) as bucket_order_before,
    from write_offs, params
)

select * exclude (days_past_due_before) from final
