-- scope: customer
-- Overdue beyond the configured levels (notify.rules.overdueDays, e.g. 30 / 60 / 90): the level is
-- how many of them the customer's most overdue positive item is beyond (1-based), so 95 days past
-- due is level 3 whatever happened on the days between. The amount is what is overdue beyond the
-- first level.
with

params as (
    select $overdue_days::integer[] as thresholds
),

items as (
    select
        open_items.customer_id,
        max(open_items.days_past_due) as max_days_past_due,
        sum(open_items.outstanding_amount) filter (where open_items.days_past_due > params.thresholds[1])
            as overdue_beyond_first,
    from marts.fct_open_items as open_items, params
    where open_items.outstanding_amount > 0 and open_items.days_past_due > 0
    group by all
),

leveled as (
    select items.*, len(list_filter(params.thresholds, lambda t: items.max_days_past_due > t)) as level, params.thresholds
    from items, params
)

select
    customer_id,
    null::varchar as document_id,
    level,
    overdue_beyond_first::decimal(38, 2) as amount,
    json_object(
        'max_days_past_due', max_days_past_due,
        'threshold_days', thresholds[level],
        'overdue_beyond_first_level', overdue_beyond_first::varchar
    ) as facts,
from leveled
where level >= 1
