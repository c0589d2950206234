-- scope: customer
-- Opt-in (notify.rules.nearLimit): utilisation at or above the share, not yet over the limit
-- (over the limit is its own rule). The amount is the exposure.
select
    customer_id,
    null::varchar as document_id,
    1 as level,
    exposure_amount::decimal(38, 2) as amount,
    json_object(
        'credit_limit', credit_limit::varchar,
        'exposure_amount', exposure_amount::varchar,
        'utilisation', utilisation::varchar,
        'threshold', $near_limit::varchar
    ) as facts,
from marts.dim_customers
where credit_limit > 0
    and credit_status <> 'over_limit'
    and utilisation >= $near_limit::decimal(9, 4)
