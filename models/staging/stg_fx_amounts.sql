-- Every document and payment row in another currency than the functional one, with the rate it
-- is converted at and its amount in the functional currency (README: Several currencies).
--
-- The rate is the latest fx_rates row for the currency on or before a date, when it is at most
-- fx.maxRateAgeDays older: under fx.rateDate as_of_date that date is the as-of date for every
-- row; under document_date it is a document's own date, except that a payment or credit naming a
-- document in its own currency takes that document's date, so that the document and what settles
-- it are converted at one rate.
--
-- Converting each row and rounding it would leave a document settled in full in its own currency
-- a few đồng or satang open; instead the payments and credits a document receives in its own
-- currency are converted as running totals, in date order: each is the rounded conversion of the
-- total up to and including it less that of the total before it. They add up to the rounded
-- conversion of their sum, which is the document's own converted amount once they settle it.
--
-- Built after stg_fx_rates_as_of, whose test names a rate missing at the as-of date first.
-- depends_on: staging.stg_fx_rates_as_of
with

params as (
    select as_of_date, currency as functional_currency, functional_minor_units, fx_rate_date_basis, fx_max_rate_age_days
    from meta.build_params
),

rates as (
    select currency, rate_date, rate from staging.stg_fx_rates
),

debit_documents as (
    select document_id, customer_id, document_date::date as document_date, currency
    from raw.invoices
    where document_type in ('invoice', 'debit_note')
),

foreign_rows as (
    select 'document' as source_type, invoices.document_id as source_id, invoices.customer_id,
        case when invoices.document_type in ('credit_note', 'write_off') then invoices.applies_to end as target_id,
        invoices.document_date::date as row_date, invoices.amount::decimal(18, 2) as amount_in_currency, invoices.currency,
    from raw.invoices as invoices, params
    where invoices.currency <> params.functional_currency
    union all
    select 'payment', payments.payment_id, payments.customer_id, payments.document_id, payments.payment_date::date,
        payments.amount::decimal(18, 2), payments.currency
    from raw.payments as payments, params
    where payments.currency <> params.functional_currency
),

dated as (
    select
        foreign_rows.*,
        -- Settles a document in its own currency: converted with it, at its rate, as a running
        -- total (under document_date only a document raised by the as-of date has its rate).
        coalesce(
            targets.currency = foreign_rows.currency
                and (params.fx_rate_date_basis = 'as_of_date' or targets.document_date <= params.as_of_date),
            false
        ) as is_settling,
        case
            when params.fx_rate_date_basis = 'as_of_date' then params.as_of_date
            -- A prepayment for a document not yet raised at the as-of date waits as unapplied cash,
            -- at its own date's rate, not at one dated after the as-of date.
            when is_settling then targets.document_date
            else foreign_rows.row_date
        end as rate_needed_on,
    from foreign_rows
    cross join params
    -- As int_applications_resolved applies them: a document of the same customer.
    left join debit_documents as targets
        on targets.document_id = foreign_rows.target_id
        and targets.customer_id = foreign_rows.customer_id
),

rated as (
    select
        dated.*,
        case when rates.rate_date >= dated.rate_needed_on - params.fx_max_rate_age_days then rates.rate end as fx_rate,
        case when rates.rate_date >= dated.rate_needed_on - params.fx_max_rate_age_days then rates.rate_date end as fx_rate_date,
        rates.rate_date as latest_rate_date,
    from dated
    cross join params
    asof left join rates
        on rates.currency = dated.currency
        and rates.rate_date <= dated.rate_needed_on
),

running as (
    select
        rated.*,
        sum(amount_in_currency) over (
            partition by target_id, currency, is_settling
            order by row_date, source_type, source_id
            rows between unbounded preceding and current row
        ) as running_amount,
    from rated
),

final as (
    select
        running.source_type,
        running.source_id,
        running.target_id,
        running.currency,
        running.amount_in_currency,
        case
            when running.is_settling then
                round_to_minor_units(running.running_amount * running.fx_rate, params.functional_minor_units)
                - round_to_minor_units((running.running_amount - running.amount_in_currency) * running.fx_rate, params.functional_minor_units)
            else to_functional_currency(running.amount_in_currency, false, running.fx_rate, params.functional_minor_units)
        end::decimal(18, 2) as amount,
        running.fx_rate::decimal(24, 12) as fx_rate,
        running.fx_rate_date,
        running.rate_needed_on,
        running.latest_rate_date,
        -- Dated after the as-of date: not in this build's figures, so a rate it lacks stops nothing.
        running.row_date > params.as_of_date as is_after_as_of,
    from running, params
)

select * from final
