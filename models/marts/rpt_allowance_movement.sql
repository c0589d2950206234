-- What finance posts at each month-end: the allowance for expected credit losses rolled forward.
-- closing = the month-end's gross receivable × the loss rates in force at that month-end (each
-- customer and bucket rounded to the cent); opening = the closing of the month before;
-- written_off = write-offs dated in the month; charge = closing − opening + written_off, so that
-- opening + charge − written_off = closing (a negative charge is a release). The history's first
-- month-end has no row, since its opening would be a look-back month-end, which is never reported
-- (nor has a month-end without loss rates, or the one after it); month_pairs says how much
-- history the month-end's rates rest on (few pairs: read those months with care).
with

month_ends as (
    select * from intermediate.int_month_ends
),

aging as (
    select * from marts.fct_month_end_aging
),

segments as (
    select * from intermediate.int_customer_segments
),

rates as (
    select * from marts.fct_loss_rates where loss_rate is not null
),

-- Each customer's gross per bucket, with its segment. The segment is joined before the grouping,
-- so that the rates (a few hundred rows) are joined last: joined to the segments first, they
-- would multiply every customer by every month-end and bucket of its segment's rates.
customer_allowance as (
    select aging.month_end, aging.customer_id, segments.segment, aging.bucket_order, sum(aging.gross_amount) as gross_amount
    from aging
    join segments using (customer_id)
    group by all
),

closing as materialized (
    select
        customer_allowance.month_end,
        sum(customer_allowance.gross_amount) as gross_amount,
        sum(round(customer_allowance.gross_amount * rates.loss_rate, 2)) as allowance,
    from customer_allowance
    join rates
        on rates.month_end = customer_allowance.month_end
        and rates.segment = customer_allowance.segment
        and rates.bucket_order = customer_allowance.bucket_order
    group by all
),

window_sizes as (
    select month_end, max(month_pairs) as month_pairs from marts.fct_loss_rates group by all
),

write_offs as (
    select month_ends.month_end, sum(documents.amount) as written_off
    from staging.stg_invoices as documents
    join month_ends on month_ends.month_end = last_day(documents.document_date)
    where documents.document_type = 'write_off'
    group by all
),

final as (
    select
        month_ends.month_end,
        closing.gross_amount::decimal(38, 2) as gross_amount,
        previous.allowance::decimal(38, 2) as opening_allowance,
        (closing.allowance - previous.allowance + coalesce(write_offs.written_off, 0))::decimal(38, 2) as charge,
        coalesce(write_offs.written_off, 0)::decimal(38, 2) as written_off,
        closing.allowance::decimal(38, 2) as closing_allowance,
        window_sizes.month_pairs::integer as month_pairs,
    from month_ends
    join closing using (month_end)
    join closing as previous on previous.month_end = month_ends.previous_month_end
    left join write_offs using (month_end)
    left join window_sizes using (month_end)
)

select * from final
