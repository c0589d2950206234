-- The customers with no valid collector address: the notifier sends their breaches to every
-- notify.fallbackRecipients address instead, and the data-quality page lists them as
-- "no collector address". Valid means what the notifier's choice of recipient means: the trimmed,
-- lower-cased collector_email, at most 254 characters, matches the e-mail pattern of zod, which the
-- config and the notifier check addresses with (notify/render/address.ts). The pattern below is
-- zod's, character for character; test/notify/address-agreement.test.ts holds the two together.
with

customers as (
    select * from marts.dim_customers
),

checked as (
    select
        *,
        coalesce(
            length(lower(trim(collector_email))) <= 254
            and regexp_full_match(
                lower(trim(collector_email)),
                '(?:[A-Za-z0-9_''+\-]+\.)*[A-Za-z0-9_''+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}'
            ),
            false
        ) as has_valid_address,
    from customers
),

final as (
    select
        customer_id,
        customer_name,
        team,
        collector,
        collector_email,
        case
            when not is_in_customers_extract then 'not_in_customers_extract'
            when nullif(trim(collector_email), '') is null then 'missing'
            else 'invalid'
        end as address_problem,
        outstanding_amount,
        overdue_amount,
        exposure_amount,
    from checked
    where not has_valid_address
)

select * from final
