-- The history of credit limits and terms: each row is in force from its effective date on.
select
    customer_id,
    effective_date::date as effective_date,
    credit_limit::decimal(18, 2) as credit_limit,
    credit_term_days::integer as credit_term_days,
from raw.credit_limits
