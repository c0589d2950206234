-- The breaches open now in the notifier's ledger (notify.breaches), one row per ledger row: a
-- breach told to several fallback addresses has a row per address, all with the same
-- breach_key. The customer's name, team and collector come from this build's customers.
-- A view, so that a site built after `arwatch notify` shows the ledger as notify left it.
with

breaches as (
    select * from notify.breaches
),

customers as (
    select customer_id, customer_name, team, collector from marts.dim_customers
),

open_breaches as (
    select * from breaches where resolved_at is null
),

final as (
    select
        open_breaches.breach_id,
        open_breaches.breach_key,
        open_breaches.rule,
        open_breaches.scope,
        open_breaches.customer_id,
        customers.customer_name,
        customers.team,
        customers.collector,
        open_breaches.document_id,
        open_breaches.recipient,
        open_breaches.recipient_role,
        open_breaches.level,
        open_breaches.amount,
        open_breaches.first_seen_at,
        open_breaches.first_seen_as_of,
        open_breaches.last_seen_as_of,
        open_breaches.notified_at,
        open_breaches.notified_level,
    from open_breaches
    left join customers
        on open_breaches.customer_id = customers.customer_id
)

select * from final
