-- Every open item at every replayed month-end, aged as of that month-end: the history's
-- month-ends (is_reported) and the look-back month-ends before them that only the roll rates
-- read. For a positive item also its bucket at the month-end before, when it existed then, so
-- that roll rates need no second pass over the history. When anything is allocated fifo each month-end is
-- allocated as fct_open_items allocates the as-of date (the fifo_allocations macro), so that the
-- latest month-end's replay still equals the as-of aging.
with

params as (
    select aging_basis, bucket_bounds, any_fifo from meta.build_params
),

-- The bucket of every day count from 1 to the last bound, worked out once: per row a list lookup
-- is far cheaper than the macro's list filter (millions of rows, two buckets each). Day counts
-- of 0 or fewer are not due; beyond the last bound is the open-ended last bucket.
bucket_lookup as (
    select
        coalesce(list_max(bucket_bounds), 0) as last_bound,
        len(bucket_bounds) + 1 as last_bucket,
        list_transform(range(1, coalesce(list_max(bucket_bounds), 0) + 1), lambda d: aging_bucket_order(d, bucket_bounds))
            as bucket_by_days,
    from params
),

month_ends as (
    select * from intermediate.int_month_ends_replayed
),

spans as (
    select * from intermediate.int_item_balance_spans
),

spans_at_month_ends as (
    select month_ends.month_end, month_ends.previous_month_end, month_ends.is_reported, spans.*
    from spans
    join month_ends
        on month_ends.month_end >= spans.valid_from
        and month_ends.month_end < spans.valid_to
),

-- A debit document has one span at a month-end; unapplied cash can have several rows per payment.
-- Not materialized: read by the two branches of `allocated` below, of which one is empty, it is
-- cheaper inlined twice than copied once (2.9M rows at 1M documents).
at_month_end as not materialized (
    select month_end, previous_month_end, is_reported, item_type, item_id, customer_id, document_date, due_date, balance as outstanding_amount
    from spans_at_month_ends
    where item_type in ('invoice', 'debit_note')
    union all
    select month_end, previous_month_end, is_reported, item_type, item_id, customer_id, document_date, due_date, sum(balance)
    from spans_at_month_ends
    where item_type not in ('invoice', 'debit_note')
    group by all
),

-- What takes part in a month-end's FIFO allocation (none when neither the top-level allocation nor
-- a source's is fifo): the documents with a positive balance, and the unapplied cash and credits
-- that may be pooled (allocated fifo by their source, else by the top-level setting). An unapplied span lasts
-- until 9999-12-31 unless it is a prepayment, which ends when its document is raised and waits for it.
fifo_items as (
    select month_end as allocated_on, customer_id, item_type, item_id, document_date, due_date, balance as amount
    from spans_at_month_ends, params
    where params.any_fifo and item_type in ('invoice', 'debit_note') and balance > 0
    union all
    select month_end, customer_id, item_type, item_id, document_date, due_date, -sum(balance)
    from spans_at_month_ends, params
    where params.any_fifo and item_type not in ('invoice', 'debit_note') and valid_to = date '9999-12-31' and allocation = 'fifo'
    group by all
),

allocations as (
    select allocated_on as month_end, item_type, item_id, allocated_amount
    from fifo_allocations(fifo_items)
),

-- Under as_named the items as they are. Under fifo a document's balance goes down by what the
-- allocation pays it, cash's and credits' negative balance up by what it uses of them. Two branches
-- on the setting rather than one left join: DuckDB would build that join's hash table on all 2.9M
-- items (the allocations look larger to it), about 1 s of CPU at 1M documents for nothing under as_named.
allocated as (
    select at_month_end.*
    from at_month_end, params
    where not params.any_fifo
    union all
    select at_month_end.* replace (
        at_month_end.outstanding_amount + case
            when allocations.allocated_amount is null then 0
            when at_month_end.item_type in ('invoice', 'debit_note') then -allocations.allocated_amount
            else allocations.allocated_amount
        end as outstanding_amount
    )
    from at_month_end
    cross join params
    left join allocations using (month_end, item_type, item_id)
    where params.any_fifo
),

aged as (
    select
        allocated.*,
        days_past_due(month_end, document_date, due_date, params.aging_basis) as days_past_due,
        days_past_due(previous_month_end, document_date, due_date, params.aging_basis) as days_past_due_before,
        bucket_lookup.*,
    from allocated, params, bucket_lookup
    where outstanding_amount <> 0
),

final as (
    select
        month_end,
        is_reported,
        item_type,
        item_id,
        customer_id,
        document_date,
        due_date,
        outstanding_amount::decimal(38, 2) as outstanding_amount,
        days_past_due::integer as days_past_due,
        case
            when days_past_due <= 0 then 0
            when days_past_due > last_bound then last_bucket
            else bucket_by_days[days_past_due]
        end as bucket_order,
        case when document_date <= previous_month_end then
            case
                when days_past_due_before <= 0 then 0
                when days_past_due_before > last_bound then last_bucket
                else bucket_by_days[days_past_due_before]
            end
        end as bucket_order_before,
    from aged
)

select * from final
