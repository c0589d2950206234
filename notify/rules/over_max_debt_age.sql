-- scope: customer
-- A balance more than badDebt.maxDebtAgeDays past due (the build's setting, from rpt_build_info).
-- The amount is that balance.
select
    customers.customer_id,
    null::varchar as document_id,
    1 as level,
    customers.expected_bad_debt_amount::decimal(38, 2) as amount,
    json_object(
        'expected_bad_debt_amount', customers.expected_bad_debt_amount::varchar,
        'max_debt_age_days', info.max_debt_age_days,
        'max_days_past_due', customers.max_days_past_due
    ) as facts,
from marts.dim_customers as customers
cross join marts.rpt_build_info as info
where customers.expected_bad_debt_amount > 0
