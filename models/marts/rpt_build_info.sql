-- What the build was made with, one row: the as-of date, when it was built, the currency, the
-- aging basis and buckets, and the settings behind the figures. Readers (the site, the CLI
-- summary) show these from here, never from the configuration of the moment, so that what they
-- show always matches the figures they read.
with

params as (
    select * from meta.build_params
),

buckets as (
    select * from marts.dim_aging_buckets
),

month_ends as (
    select * from intermediate.int_month_ends
),

bucket_lists as (
    select
        list(aging_bucket order by bucket_order) as bucket_labels,
        count(*) as bucket_count,
    from buckets
),

history as (
    select min(month_end) as history_start, max(month_end) as latest_month_end, count(*) as history_months
    from month_ends
),

final as (
    select
        params.as_of_date,
        -- ISO 8601 in UTC, as text: a TIMESTAMPTZ reads back in the session's time zone.
        strftime(params.built_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') as built_at,
        params.currency,
        params.aging_basis,
        params.bucket_bounds,
        bucket_lists.bucket_labels,
        bucket_lists.bucket_count::integer as bucket_count,
        params.max_debt_age_days,
        params.warn_at,
        history.history_months::integer as history_months,
        history.history_start,
        history.latest_month_end,
        params.ecl_method,
        params.ecl_lookback_months,
        params.ecl_segment_by,
        params.ecl_forward_factor,
        -- The loss definition in force: where the roll chain ends. A default definition applies to
        -- method roll_rate only (under matrix finance's rates are the loss rates), so its settings
        -- show only when it is in force.
        case
            when params.ecl_method = 'matrix' then 'configured'
            when params.ecl_default_after_days is not null then 'default'
            else 'write_off'
        end as ecl_loss_event,
        case when ecl_loss_event = 'default' then params.ecl_default_after_days end as ecl_default_after_days,
        case when ecl_loss_event = 'default' then params.ecl_loss_given_default end as ecl_loss_given_default,
        params.credit_grace_days,
        params.credit_hold_days_past_due,
    from params
    cross join bucket_lists
    cross join history
)

select * from final
