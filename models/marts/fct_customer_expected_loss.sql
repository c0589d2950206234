-- Expected credit loss per customer and bucket as of the as-of date: the gross receivable (the
-- customer's positive open items; unapplied cash and credits reduce no one's gross) times the
-- loss rate of its segment and bucket in force at the latest month-end on or before the as-of
-- date, rounded to the cent (a balance in default, past expectedLoss.defaultAfterDays, at the loss
-- given default). The segment figures in fct_expected_loss are sums of these rows.
-- Without history for roll rates (and no configured fallback) the rate is unknown: loss_rate and
-- expected_loss are null and rate_source says no_history, rather than a loss of 0 that is not known.
with

params as (
    select as_of_date from meta.build_params
),

open_items as (
    select * from marts.fct_open_items
),

customers as (
    select customer_id, team, collector, customer_group from marts.dim_customers
),

segments as (
    select * from intermediate.int_customer_segments
),

rates as (
    select * from marts.fct_loss_rates
    where month_end = (select max(month_end) from intermediate.int_month_ends)
),

gross as (
    select customer_id, aging_bucket, bucket_order, sum(outstanding_amount) as gross_amount
    from open_items
    where outstanding_amount > 0
    group by all
),

final as (
    select
        params.as_of_date,
        gross.customer_id,
        customers.team,
        customers.collector,
        customers.customer_group,
        segments.segment,
        gross.aging_bucket,
        gross.bucket_order,
        gross.gross_amount::decimal(38, 2) as gross_amount,
        rates.loss_rate,
        rates.rate_source,
        round(gross.gross_amount * rates.loss_rate, 2)::decimal(38, 2) as expected_loss,
    from gross
    cross join params
    left join customers using (customer_id)
    left join segments using (customer_id)
    left join rates on rates.segment = segments.segment and rates.bucket_order = gross.bucket_order
)

select * from final
