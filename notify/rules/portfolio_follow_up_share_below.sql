-- scope: portfolio
-- The share of the gross receivable under follow-up at the latest month-end below
-- notify.portfolio.followUpShareBelow. The amount is the receivable not under follow-up, so the
-- breach escalates as more of it goes unattended.
with

latest as (
    select * from marts.rpt_monthly_status
    where level = 'company'
    order by month_end desc
    limit 1
)

select
    null::varchar as customer_id,
    null::varchar as document_id,
    1 as level,
    (gross_amount - under_follow_up_amount)::decimal(38, 2) as amount,
    json_object(
        'month_end', month_end::varchar,
        'follow_up_ratio', round(follow_up_ratio, 4)::varchar,
        'under_follow_up_amount', under_follow_up_amount::varchar,
        'gross_amount', gross_amount::varchar,
        'threshold', $follow_up_share_below
    ) as facts,
from latest
where gross_amount > 0
    and follow_up_ratio < $follow_up_share_below::double
