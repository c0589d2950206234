-- What each payment and credit in another currency than the functional one pays of the document
-- it names, in the functional currency (README: Several currencies). Converting each one and
-- rounding it would leave a document settled in full in its own currency a few đồng or satang
-- open; instead the applications of a document in one currency, in date order, are converted as
-- running totals: each is the rounded conversion of the total up to and including it less that
-- of the total before it. They add up to the rounded conversion of their sum, which is the
-- document's own converted amount once they settle it.
with

params as (
    select currency as functional_currency, functional_minor_units from meta.build_params
),

rates as (
    select currency, fx_rate from staging.stg_fx_rates_as_of
),

applications as (
    select 'payment' as source_type, payment_id as source_id, document_id as target_id, payment_date::date as applied_date,
        amount::decimal(18, 2) as amount, currency
    from raw.payments, params
    where currency <> params.functional_currency and document_id is not null
    union all
    select 'credit', document_id, applies_to, document_date::date, amount::decimal(18, 2), currency
    from raw.invoices, params
    where currency <> params.functional_currency and applies_to is not null and document_type in ('credit_note', 'write_off')
),

running as (
    select
        applications.*,
        rates.fx_rate,
        sum(applications.amount) over (
            partition by applications.target_id, applications.currency
            order by applications.applied_date, applications.source_type, applications.source_id
            rows between unbounded preceding and current row
        ) as running_amount,
    from applications
    left join rates using (currency)
),

final as (
    select
        running.source_type,
        running.source_id,
        running.target_id,
        (round_to_minor_units(running.running_amount * running.fx_rate, params.functional_minor_units)
            - round_to_minor_units((running.running_amount - running.amount) * running.fx_rate, params.functional_minor_units))::decimal(18, 2)
            as amount,
    from running, params
)

select * from final
