-- Who hears of each customer: its collector when collector_email is a valid address (compared in
-- lower case, so one collector written two ways gets one digest), else every fallback recipient,
-- so that no customer's breach is dropped. A customer's breaches go to its own recipients only.
-- $valid_addresses: the distinct collector addresses that pass the notifier's one address check
-- (notify/render/address.ts, the config's), so that no address the renderer would refuse is chosen.
create or replace temp table notify_recipients as
with

customers as (
    select customer_id, collector, lower(trim(collector_email)) as email
    from marts.dim_customers
),

checked as (
    select
        *,
        coalesce(email in (select unnest($valid_addresses::varchar[])), false) as is_valid,
    from customers
),

fallback as (
    select distinct lower(trim(address)) as email from unnest($fallback_recipients::varchar[]) as t(address)
)

select customer_id, email as recipient, 'collector' as recipient_role, collector
from checked
where is_valid
union all
select checked.customer_id, fallback.email as recipient, 'fallback' as recipient_role, null as collector
from checked
cross join fallback
where not checked.is_valid
