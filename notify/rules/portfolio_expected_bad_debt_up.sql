-- scope: portfolio
-- Expected bad debt (positive items more than badDebt.maxDebtAgeDays past due) at the latest
-- month-end up more than notify.portfolio.expectedBadDebtUpPercent on the month-end before. Not
-- judged when the month-end before had none.
with

company as (
    select
        month_end,
        expected_bad_debt_amount,
        lag(expected_bad_debt_amount) over (order by month_end) as previous_amount,
    from marts.rpt_monthly_status
    where level = 'company'
),

latest as (
    select * from company
    order by month_end desc
    limit 1
)

select
    null::varchar as customer_id,
    null::varchar as document_id,
    1 as level,
    expected_bad_debt_amount::decimal(38, 2) as amount,
    json_object(
        'month_end', month_end::varchar,
        'previous_amount', previous_amount::varchar,
        'expected_bad_debt_amount', expected_bad_debt_amount::varchar,
        'up_percent', round((expected_bad_debt_amount / previous_amount - 1) * 100, 1)::varchar,
        'threshold_percent', $expected_bad_debt_up_percent
    ) as facts,
from latest
where previous_amount > 0
    and expected_bad_debt_amount > previous_amount * (1 + $expected_bad_debt_up_percent::double / 100)
