-- Each follow-up of a collector with a customer: channel, outcome, the reason given, any promise to pay.
select
    attempt_id,
    customer_id,
    document_id,
    attempt_date::date as attempt_date,
    collector,
    channel,
    outcome,
    reason,
    promised_date::date as promised_date,
    promised_amount::decimal(18, 2) as promised_amount,
from raw.collection_attempts
