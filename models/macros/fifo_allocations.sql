-- The FIFO allocation (allocation: fifo; README: Allocation), written once for the as-of date and
-- the replayed month-ends. `items` names a relation of (allocated_on, customer_id, item_type,
-- item_id, document_date, due_date, amount): a customer's open invoices and debit notes on a date
-- with their positive balance, and its unapplied cash and credits with the part of each that may
-- be pooled (a prepayment waits for its document). Per customer and date the pool pays the
-- documents oldest due date first (then document date, id) and is used oldest first (by date,
-- then id); each item's share is where its running total overlaps the other side's total, so the
-- pool's excess over the documents stays unapplied on the latest cash. Returns (allocated_on,
-- customer_id, item_type, item_id, allocated_amount > 0): what a document was paid, or what was
-- used of cash or a credit. Pool 150 over documents of 100 and 80: 100 (running 100), then
-- min(150, 180) − 100 = 50.
create or replace macro fifo_allocations(items) as table
    with
    pool_items as (
        select
            *,
            sum(amount) over (
                partition by allocated_on, customer_id
                order by document_date, item_id, item_type
                rows between unbounded preceding and current row
            ) as running_amount,
        from query_table(items)
        where item_type not in ('invoice', 'debit_note')
    ),
    pools as (
        select allocated_on, customer_id, sum(amount) as pool_amount
        from pool_items
        group by all
    ),
    -- Only the documents of a customer with a pool on the date.
    documents as (
        select
            documents.*,
            pools.pool_amount,
            sum(documents.amount) over (
                partition by documents.allocated_on, documents.customer_id
                order by documents.due_date, documents.document_date, documents.item_id
                rows between unbounded preceding and current row
            ) as running_amount,
        from query_table(items) as documents
        join pools using (allocated_on, customer_id)
        where documents.item_type in ('invoice', 'debit_note')
    ),
    document_totals as (
        select allocated_on, customer_id, sum(amount) as open_amount
        from documents
        group by all
    ),
    shares as (
        select
            allocated_on,
            customer_id,
            item_type,
            item_id,
            greatest(0, least(pool_amount, running_amount) - (running_amount - amount)) as allocated_amount,
        from documents
        union all
        select
            pool_items.allocated_on,
            pool_items.customer_id,
            pool_items.item_type,
            pool_items.item_id,
            greatest(0, least(document_totals.open_amount, pool_items.running_amount) - (pool_items.running_amount - pool_items.amount)),
        from pool_items
        join document_totals using (allocated_on, customer_id)
    )
    select allocated_on, customer_id, item_type, item_id, allocated_amount::decimal(38, 2) as allocated_amount
    from shares
    where allocated_amount > 0
