-- scope: portfolio
-- The allowance (expected credit loss) at the latest month-end up more than
-- notify.portfolio.expectedLossUpPercent on the month-end before. Not judged when the month-end
-- before had none (no percentage of zero).
with

latest as (
    select * from marts.rpt_allowance_movement
    order by month_end desc
    limit 1
)

select
    null::varchar as customer_id,
    null::varchar as document_id,
    1 as level,
    closing_allowance::decimal(38, 2) as amount,
    json_object(
        'month_end', month_end::varchar,
        'opening_allowance', opening_allowance::varchar,
        'closing_allowance', closing_allowance::varchar,
        'up_percent', round((closing_allowance / opening_allowance - 1) * 100, 1)::varchar,
        'threshold_percent', $expected_loss_up_percent
    ) as facts,
from latest
where opening_allowance > 0
    and closing_allowance > opening_allowance * (1 + $expected_loss_up_percent::double / 100)
