-- The loss rate of every segment and bucket as it stood at each month-end of the history: from
-- the roll observations of the expectedLoss.lookbackMonths month-end pairs up to that month-end
-- (roll_rate method), or from the rates finance set (matrix method); either way scaled by the
-- forward-looking factor and capped at 100%. Only data up to a month-end is used for it, so a
-- past month-end's rates can always be reproduced.
--
-- Roll rate of bucket k = (rolled on + written off) ÷ opening balance, summed over the window.
-- A segment with no balance in a bucket in the window takes the portfolio's rate (rate_source
-- 'portfolio'); a bucket no customer had a balance in takes 1, prudently assuming it all rolls
-- on ('assumed'). Loss rate of bucket k = the product of the roll rates from k to the last bucket.
-- The window of the history's first month-ends reaches back before it: the roll observations
-- include the look-back month-end pairs where the ledger is older than the history.
-- A month-end without a pair of month-ends in its window (a company whose ledger starts less than
-- a month before it) has no roll rate: its loss rate is the one configured in
-- expectedLoss.lossRates ('fallback'), else unknown (null, 'no_history').
--
-- With a default definition (expectedLoss.defaultAfterDays, method roll_rate only) the chain ends
-- at default instead of in write-offs: the buckets past defaultAfterDays are in default
-- ('defaulted', no roll rate) and carry the loss given default; the loss rate of a bucket before
-- them is the product of the roll rates from it to the last bucket before default (its chance of
-- reaching default), × forwardLookingFactor, capped at 1, × lossGivenDefault. The factor scales
-- the chance of default, not a default that has happened, and is capped before the LGD, so that
-- no bucket before default loses more than a defaulted one.
with

params as (
    select ecl_method, ecl_lookback_months, ecl_forward_factor, ecl_default_after_days, ecl_loss_given_default
    from meta.build_params
),

month_ends as (
    select * from intermediate.int_month_ends
),

observations as (
    select * from marts.fct_roll_observations
),

configured as (
    select * from meta.build_loss_rates
),

buckets as (
    select * from marts.dim_aging_buckets
),

segments as (
    select distinct segment from intermediate.int_customer_segments
),

-- The first bucket in default, null without a default definition (or under method matrix, whose
-- rates finance sets whole). defaultAfterDays must be a bucket bound: a bucket cannot be partly in
-- default. error() sits in a column the model uses, so that DuckDB cannot prune it away.
default_definition as (
    select
        case
            when params.ecl_method <> 'roll_rate' or params.ecl_default_after_days is null then null
            when last_performing.bucket_order is null then error(
                'expectedLoss.defaultAfterDays (' || params.ecl_default_after_days || ') must be one of the bounds of aging.buckets ('
                || (select string_agg(max_days_past_due::varchar, ', ' order by bucket_order) from buckets where bucket_order > 0)
                || '): a bucket cannot be partly in default; add it to aging.buckets or choose one of them')
            else last_performing.bucket_order + 1
        end as first_defaulted_order,
    from params
    left join buckets as last_performing
        on last_performing.bucket_order > 0 and last_performing.max_days_past_due = params.ecl_default_after_days
),

windows as (
    select
        month_ends.month_end,
        observations.*  exclude (month_end),
        observations.month_end as pair_end,
    from month_ends
    cross join params
    join observations
        on observations.month_end <= month_ends.month_end
        and observations.month_end > last_day((date_trunc('month', month_ends.month_end) - to_months(params.ecl_lookback_months))::date)
),

window_bounds as (
    select month_end, min(previous_month_end) as window_start, max(pair_end) as window_end,
        count(distinct pair_end) as month_pairs,
    from windows
    group by all
),

segment_rolls as (
    select month_end, segment, bucket_order,
        sum(opening_balance) as opening_balance,
        sum(rolled_on_amount + written_off_amount) as rolled_amount,
    from windows
    group by all
),

portfolio_rolls as (
    select month_end, bucket_order, sum(opening_balance) as opening_balance, sum(rolled_amount) as rolled_amount
    from segment_rolls
    group by all
),

grid as (
    select month_ends.month_end, window_bounds.* exclude (month_end), segments.segment, buckets.bucket_order, buckets.aging_bucket,
        coalesce(buckets.bucket_order >= default_definition.first_defaulted_order, false) as is_defaulted,
    from month_ends
    cross join segments
    cross join buckets
    cross join default_definition
    left join window_bounds using (month_end)
),

rolls as (
    select
        grid.*,
        case
            when grid.month_pairs is null or grid.is_defaulted then null
            when segment_rolls.opening_balance > 0 then least(1, segment_rolls.rolled_amount / segment_rolls.opening_balance)
            when portfolio_rolls.opening_balance > 0 then least(1, portfolio_rolls.rolled_amount / portfolio_rolls.opening_balance)
            else 1
        end as roll_rate,
        case
            when grid.is_defaulted then 'defaulted'
            when grid.month_pairs is null then 'no_history'
            when segment_rolls.opening_balance > 0 then 'segment'
            when portfolio_rolls.opening_balance > 0 then 'portfolio'
            else 'assumed'
        end as rate_source,
        coalesce(segment_rolls.opening_balance, 0) as observed_balance,
    from grid
    left join segment_rolls using (month_end, segment, bucket_order)
    left join portfolio_rolls using (month_end, bucket_order)
),

chained as (
    select
        rolls.*,
        -- product() of nothing but nulls is 1 in DuckDB: without history there is no rate at all.
        -- A defaulted bucket has no roll rate (null), so the product of a bucket before default
        -- runs from it to the last bucket before default: its chance of reaching default.
        case when roll_rate is not null then product(roll_rate) over (
            partition by month_end, segment order by bucket_order desc
            rows between unbounded preceding and current row
        ) end as historical_loss_rate,
    from rolls
),

final as (
    select
        chained.month_end,
        chained.segment,
        chained.aging_bucket,
        chained.bucket_order,
        params.ecl_method as method,
        -- Without a month-end pair there is no roll rate: the configured rate stands in when
        -- finance set one, else the rate stays unknown (null, rate_source no_history).
        case
            when params.ecl_method = 'matrix' then configured.loss_rate
            when chained.rate_source = 'no_history' then configured.loss_rate
            else chained.historical_loss_rate
        end as base_loss_rate,
        case when params.ecl_method = 'roll_rate' then round(chained.roll_rate, 6)::decimal(9, 6) end as roll_rate,
        -- least() skips nulls in DuckDB, so a missing rate is kept missing explicitly. A defaulted
        -- bucket carries the LGD whatever its history; the chain of a bucket before default is
        -- scaled by it (a configured fallback rate is a loss rate already: it is not).
        case
            when chained.is_defaulted then round(params.ecl_loss_given_default, 6)
            when base_loss_rate is null then null
            when chained.rate_source <> 'no_history' and default_definition.first_defaulted_order is not null
                then round(least(1, base_loss_rate * params.ecl_forward_factor) * params.ecl_loss_given_default, 6)
            else round(least(1, base_loss_rate * params.ecl_forward_factor), 6)
        end::decimal(9, 6) as loss_rate,
        case
            when params.ecl_method = 'matrix' then 'configured'
            when chained.rate_source = 'no_history' and configured.loss_rate is not null then 'fallback'
            else chained.rate_source
        end as rate_source,
        params.ecl_forward_factor as forward_looking_factor,
        chained.window_start,
        chained.window_end,
        coalesce(chained.month_pairs, 0)::integer as month_pairs,
        chained.observed_balance::decimal(38, 2) as observed_balance,
    from chained
    cross join params
    cross join default_definition
    left join configured using (aging_bucket)
)

select * exclude (base_loss_rate) from final
