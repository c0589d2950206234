-- The loss definition the expected credit loss rests on, one row, as of the as-of date: where the
-- roll chain ends (write-offs, default after defaultAfterDays, or rates set by finance), what its
-- last link was measured on over the window of the latest month-end, and whether the build
-- suggests a default definition. The Expected loss page explains the definition from here, and
-- the warning default_definition_suggested is read from here.
--
-- The last link is the roll rate the whole chain rests on: the last bucket's (only write-offs
-- take a balance on from it) when the chain ends in write-offs, the last bucket before default
-- when it ends at default. A default definition is suggested when the chain ends in write-offs,
-- its last link rests on few write-offs, and the balances more than badDebt.maxDebtAgeDays past
-- due (the expected bad debt) are material: then the expected credit loss and the expected bad
-- debt tell different stories, and a default definition measures what the write-offs cannot.
with

-- The thresholds of the suggestion.
-- few write-offs: fewer than 10 written off from the last bucket over the window (a rate on so
--   few events is noise), or less than 10% of its balance over the window, i.e. a monthly roll
--   rate under 0.10: most of the bucket stays open month after month instead of being written
--   off, so the chain sees little of what it will lose.
-- material: the expected bad debt is 5% or more of the gross receivable (the usual rule of thumb
--   for materiality in an audit).
thresholds as (
    select 10 as min_write_offs, 0.10 as min_written_off_share, 0.05 as material_share
),

build_info as (
    select * from marts.rpt_build_info
),

headline as (
    select * from marts.rpt_headline
),

buckets as (
    select * from marts.dim_aging_buckets
),

observations as (
    select * from marts.fct_roll_observations
),

-- The window of the rates in force: every segment's rows of a month-end share it.
rates_window as (
    select any_value(window_start) as window_start, any_value(window_end) as window_end, max(month_pairs) as month_pairs,
    from marts.fct_loss_rates
    where month_end = (select latest_month_end from build_info)
),

last_link as (
    select buckets.bucket_order, buckets.aging_bucket
    from buckets
    cross join build_info
    where (build_info.ecl_loss_event = 'write_off' and buckets.max_days_past_due is null)
        or (build_info.ecl_loss_event = 'default' and buckets.max_days_past_due = build_info.ecl_default_after_days)
),

-- What the last link was measured on, over the pairs of the window, all segments together.
last_link_rolls as (
    select
        sum(observations.opening_balance) as opening_balance,
        sum(observations.rolled_on_amount + observations.written_off_amount) as rolled_amount,
        sum(observations.written_off_amount) as written_off_amount,
        sum(observations.write_offs) as write_offs,
    from observations
    join last_link using (bucket_order)
    cross join rates_window
    where observations.previous_month_end >= rates_window.window_start
        and observations.month_end <= rates_window.window_end
),

final as (
    select
        build_info.as_of_date,
        build_info.latest_month_end as month_end,
        build_info.ecl_loss_event as loss_event,
        build_info.ecl_default_after_days as default_after_days,
        build_info.ecl_loss_given_default as loss_given_default,
        last_link.aging_bucket as last_link_bucket,
        rates_window.window_start,
        rates_window.window_end,
        coalesce(rates_window.month_pairs, 0)::integer as month_pairs,
        case when last_link.aging_bucket is not null then coalesce(last_link_rolls.opening_balance, 0) end::decimal(38, 2)
            as last_link_opening_balance,
        case when last_link.aging_bucket is not null then coalesce(last_link_rolls.rolled_amount, 0) end::decimal(38, 2)
            as last_link_rolled_amount,
        round(least(1, last_link_rolls.rolled_amount / nullif(last_link_rolls.opening_balance, 0)), 6)::decimal(9, 6)
            as last_link_roll_rate,
        case when last_link.aging_bucket is not null then coalesce(last_link_rolls.written_off_amount, 0) end::decimal(38, 2)
            as last_link_written_off_amount,
        case when last_link.aging_bucket is not null then coalesce(last_link_rolls.write_offs, 0) end::integer
            as last_link_write_offs,
        headline.gross_amount,
        build_info.max_debt_age_days,
        headline.expected_bad_debt_amount,
        headline.expected_credit_loss,
        coalesce(
            build_info.ecl_loss_event = 'write_off'
            and (
                coalesce(last_link_rolls.write_offs, 0) < thresholds.min_write_offs
                or coalesce(last_link_rolls.written_off_amount, 0)
                    < thresholds.min_written_off_share * coalesce(last_link_rolls.opening_balance, 0)
            )
            and headline.expected_bad_debt_amount > 0
            and headline.expected_bad_debt_amount >= thresholds.material_share * headline.gross_amount,
            false
        ) as is_default_definition_suggested,
    from build_info
    cross join headline
    cross join thresholds
    cross join rates_window
    left join last_link on true
    left join last_link_rolls on true
)

select * from final
