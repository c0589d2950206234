-- The FIFO allocation as of the as-of date (allocation: fifo): what each customer's unapplied
-- cash and credits pay of its open invoices and debit notes, oldest due date first, by the one
-- rule the replayed month-ends also apply (the fifo_allocations macro). One row per item the
-- allocation touches; none when nothing is allocated fifo (neither the top-level allocation nor a
-- source's). fct_open_items nets it, rpt_fifo_allocation sums it.
with

params as (
    select as_of_date, any_fifo from meta.build_params
),

open_items as (
    select * from intermediate.int_open_items_applied
),

-- Under as_named no item takes part. An over-applied document (negative) neither pays nor is paid.
fifo_items as (
    select
        params.as_of_date as allocated_on,
        open_items.customer_id,
        open_items.document_type as item_type,
        open_items.document_id as item_id,
        open_items.document_date,
        open_items.due_date,
        case
            when open_items.document_type in ('invoice', 'debit_note') then open_items.outstanding_amount
            else open_items.pooled_amount
        end as amount,
    from open_items
    cross join params
    where params.any_fifo
        and (
            (open_items.document_type in ('invoice', 'debit_note') and open_items.outstanding_amount > 0)
            or open_items.pooled_amount > 0
        )
),

final as (
    select * from fifo_allocations(fifo_items)
)

select * from final
