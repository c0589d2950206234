-- Open sales orders: what has been ordered and not yet invoiced.
select
    order_id,
    customer_id,
    order_date::date as order_date,
    unbilled_amount::decimal(18, 2) as unbilled_amount,
from raw.sales_orders
