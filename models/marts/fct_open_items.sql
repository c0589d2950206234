-- Every document with a non-zero outstanding amount as of the as-of date, aged. Unapplied cash
-- and unapplied credits are open items of their own with a negative amount, aged from their own
-- date, so that the buckets of a customer add up to its net balance. Under allocation: fifo the
-- customer's unapplied cash and credits first pay its oldest open documents
-- (int_open_items_allocated): both sides shrink by what is allocated, and what is settled goes.
with

params as (
    select as_of_date, aging_basis, bucket_bounds, currency as functional_currency from meta.build_params
),

minor_units as (
    select currency, minor_units from meta.build_currencies
),

applied_items as (
    select * from intermediate.int_open_items_applied
),

allocations as (
    select item_type as document_type, item_id as document_id, allocated_amount
    from intermediate.int_open_items_allocated
),

buckets as (
    select * from marts.dim_aging_buckets
),

-- A document's balance goes down by what the allocation pays it; cash's and credits' negative
-- balance goes up by what the allocation uses of them.
allocated_items as (
    select
        applied_items.* exclude (pooled_amount) replace (
            applied_items.outstanding_amount + case
                when allocations.allocated_amount is null then 0
                when applied_items.document_type in ('invoice', 'debit_note') then -allocations.allocated_amount
                else allocations.allocated_amount
            end as outstanding_amount,
            -- FIFO allocates functional amounts: in another currency, at the item's rate.
            applied_items.outstanding_in_currency + case
                when allocations.allocated_amount is null then 0
                else (case when applied_items.document_type in ('invoice', 'debit_note') then -1 else 1 end) * case
                    when applied_items.currency = params.functional_currency then allocations.allocated_amount
                    else from_functional_currency(allocations.allocated_amount, applied_items.fx_rate, minor_units.minor_units)
                end
            end as outstanding_in_currency
        ),
    from applied_items
    cross join params
    left join minor_units on minor_units.currency = applied_items.currency
    left join allocations using (document_type, document_id)
),

open_items as (
    select * from allocated_items where outstanding_amount <> 0
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
        -- Added after the first release: last, so that readers by position keep working.
        aged.currency,
        aged.outstanding_in_currency::decimal(38, 2) as outstanding_in_currency,
        aged.fx_rate::decimal(24, 12) as fx_rate,
        aged.fx_rate_date,
    from aged
    cross join params
    left join buckets
        on buckets.bucket_order = aging_bucket_order(aged.days_past_due, aged.bucket_bounds)
)

select * from final
