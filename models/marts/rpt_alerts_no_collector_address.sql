-- The customers with no valid collector address: the notifier sends their breaches to every
-- notify.fallbackRecipients address instead, and the data-quality page lists them as
-- "no collector address". Valid means what the notifier's choice of recipient means
-- (notify/rules/setup/recipients.sql): the trimmed, lower-cased collector_email is one address
-- with no spaces, brackets, commas, semicolons, quotes or backslashes.
with

customers as (
    select * from marts.dim_customers
),

checked as (
    select
        *,
        coalesce(regexp_full_match(
            lower(trim(collector_email)),
            '[^@\s<>,;"''()\[\]\\]+@[^@\s<>,;"''()\[\]\\]+\.[^@\s<>,;"''()\[\]\\]+'
        ), false) as has_valid_address,
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
