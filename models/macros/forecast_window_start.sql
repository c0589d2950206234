-- Where the cash forecast's window of payments starts for a date forecast from (README: Cash
-- forecast, delay distribution): the month-end forecast.lookbackMonths months before it. A payment
-- counts when it is dated after this and up to the date, so a month-end's window is whole months.
create or replace macro forecast_window_start(forecast_date, lookback_months) as
    last_day((forecast_date - to_months(lookback_months))::date)
