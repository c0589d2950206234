-- The provision matrix as of the as-of date: per segment and bucket, the gross receivable, the
-- loss rate and the expected credit loss (IFRS 9 simplified approach / CECL aging method). The
-- amounts are the sums of fct_customer_expected_loss, so every drill-down adds up.
with

params as (
    select as_of_date from meta.build_params
),

customer_losses as (
    select * from marts.fct_customer_expected_loss
),

rates as (
    select * from marts.fct_loss_rates
    where month_end = (select max(month_end) from intermediate.int_month_ends)
),

totals as (
    select segment, bucket_order, sum(gross_amount) as gross_amount, sum(expected_loss) as expected_loss
    from customer_losses
    group by all
),

final as (
    select
        params.as_of_date,
        rates.segment,
        rates.aging_bucket,
        rates.bucket_order,
        coalesce(totals.gross_amount, 0)::decimal(38, 2) as gross_amount,
        rates.loss_rate,
        rates.rate_source,
        -- Unknown rate, unknown loss; an empty bucket has none to lose.
        case
            when rates.loss_rate is not null or coalesce(totals.gross_amount, 0) = 0 then coalesce(totals.expected_loss, 0)
        end::decimal(38, 2) as expected_loss,
    from rates
    cross join params
    left join totals using (segment, bucket_order)
)

select * from final
