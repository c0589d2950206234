-- Exchange rates as loaded: how many units of the functional currency (config currency) one unit
-- of currency was worth on rate_date.
select
    rate_date::date as rate_date,
    currency,
    rate::decimal(24, 12) as rate,
from raw.fx_rates
