-- Facts about the ledger a reader should check, each with the open items and the amount it
-- concerns as of the as-of date: due dates derived from credit terms, unapplied cash and
-- credits, over-applied documents, exposure without a credit limit, and balances of customers
-- missing from the customers extract. Every fact has a row, 0 when nothing is concerned.
with

open_items as (
    select * from marts.fct_open_items
),

documents as (
    select document_id, is_due_date_derived from intermediate.int_documents_due_dated
),

customers as (
    select * from marts.dim_customers
),

facts as (
    select 1 as fact_order, 'derived_due_date' as fact, count(*) as items, sum(open_items.outstanding_amount) as amount
    from open_items
    join documents using (document_id)
    -- Unapplied credits are aged from their own date, whatever their due date: only debits count.
    where documents.is_due_date_derived and open_items.document_type in ('invoice', 'debit_note')
    union all
    select 2, 'unapplied_cash', count(*), sum(outstanding_amount)
    from open_items where document_type = 'payment'
    union all
    select 3, 'unapplied_credits', count(*), sum(outstanding_amount)
    from open_items where document_type in ('credit_note', 'write_off')
    union all
    select 4, 'over_applied', count(*), sum(outstanding_amount)
    from open_items where document_type in ('invoice', 'debit_note') and outstanding_amount < 0
    union all
    select 5, 'no_limit_with_exposure', count(*), sum(exposure_amount)
    from customers where credit_limit is null and exposure_amount > 0
    union all
    select 6, 'not_in_customers_extract', count(*), sum(outstanding_amount)
    from customers where not is_in_customers_extract
),

final as (
    select
        fact_order::integer as fact_order,
        fact,
        items,
        coalesce(amount, 0)::decimal(38, 2) as amount,
    from facts
)

select * from final
