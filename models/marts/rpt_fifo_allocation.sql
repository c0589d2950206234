-- How much of the as-of date's open items the FIFO allocation settled (allocation: fifo): the
-- customers, the documents paid and the cash and credits used, with the amounts. One row, with
-- the allocation setting, so that the data-quality page can say which rule the build applied;
-- 0 everywhere under as_named, which allocates nothing.
with

params as (
    select as_of_date, allocation from meta.build_params
),

-- The sources (config sources) whose own allocation is fifo.
fifo_sources as (
    select coalesce(list(source order by source), []) as fifo_sources
    from meta.build_source_allocations
    where allocation = 'fifo'
),

allocated as (
    select allocated.*
    from intermediate.int_open_items_allocated as allocated, params
    where allocated.allocated_on = params.as_of_date
),

totals as (
    select
        count(distinct customer_id) as customers,
        count(*) filter (where item_type in ('invoice', 'debit_note')) as documents,
        count(*) filter (where item_type = 'payment') as payments,
        count(*) filter (where item_type not in ('invoice', 'debit_note', 'payment')) as credits,
        sum(allocated_amount) filter (where item_type = 'payment') as cash_amount,
        sum(allocated_amount) filter (where item_type not in ('invoice', 'debit_note', 'payment')) as credit_amount,
    from allocated
),

final as (
    select
        params.allocation,
        fifo_sources.fifo_sources,
        params.as_of_date,
        totals.customers::integer as customers,
        totals.documents::integer as documents,
        totals.payments::integer as payments,
        totals.credits::integer as credits,
        coalesce(totals.cash_amount, 0)::decimal(38, 2) as cash_amount,
        coalesce(totals.credit_amount, 0)::decimal(38, 2) as credit_amount,
        (coalesce(totals.cash_amount, 0) + coalesce(totals.credit_amount, 0))::decimal(38, 2) as allocated_amount,
    from params
    cross join fifo_sources
    cross join totals
)

select * from final
