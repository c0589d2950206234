-- The month-ends replayed from the ledger: the history's month-ends (is_reported), and before
-- the first of them up to expectedLoss.lookbackMonths month-ends that serve only as the look-back
-- of the first reported month-ends' roll rates, so that a ledger older than the history gives its
-- first month-ends roll rates as well. A look-back month-end is replayed only when the ledger has
-- a document dated on or before it (before that there is nothing to roll), and only for the
-- roll_rate method (the matrix method measures nothing). They are never reported months: every
-- per-month mart reads intermediate.int_month_ends, not this model.
with

params as (
    select ecl_method, ecl_lookback_months from meta.build_params
),

reported as (
    select month_end, previous_month_end from intermediate.int_month_ends
),

ledger as (
    select min(document_date) as first_document_date from staging.stg_invoices
),

history as (
    select min(month_end) as history_start from reported
),

offsets as (
    select unnest(range(1, ecl_lookback_months + 1)) as months_back
    from params
    where ecl_method = 'roll_rate'
),

look_back as (
    select
        last_day((date_trunc('month', history.history_start) - to_months(offsets.months_back))::date) as month_end,
        last_day((date_trunc('month', history.history_start) - to_months(offsets.months_back + 1))::date)
            as previous_month_end,
    from offsets
    cross join history
),

final as (
    select month_end, previous_month_end, true as is_reported from reported
    union all
    select look_back.month_end, look_back.previous_month_end, false
    from look_back
    cross join ledger
    where ledger.first_document_date <= look_back.month_end
)

select * from final
