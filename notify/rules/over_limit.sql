-- scope: customer
-- Exposure (outstanding + open orders) above the credit limit in force. The amount is how far over
-- the limit the customer is, so a customer who keeps buying past the limit escalates.
select
    customer_id,
    null::varchar as document_id,
    1 as level,
    (exposure_amount - credit_limit)::decimal(38, 2) as amount,
    json_object(
        'credit_limit', credit_limit::varchar,
        'exposure_amount', exposure_amount::varchar,
        'utilisation', utilisation::varchar,
        'over_by', (exposure_amount - credit_limit)::varchar
    ) as facts,
from marts.dim_customers
where credit_status = 'over_limit'
