-- One row per customer as the ERP exports it. Ingest has typed and checked every value.
select
    customer_id,
    customer_name,
    customer_group,
    team,
    collector,
    collector_email,
    credit_limit::decimal(18, 2) as credit_limit,
    credit_term_days::integer as credit_term_days,
    coalesce(status, 'active') as status,
from raw.customers
