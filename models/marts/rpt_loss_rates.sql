-- The loss rates in force at the as-of date and how they were derived: the method, the roll
-- rate per bucket, where it came from (the segment's own history, the portfolio's, configured,
-- assumed, or in default: the loss given default), and the window of month-ends it was measured
-- over. rpt_loss_definition says which loss definition the rates rest on.
select
    segment,
    aging_bucket,
    bucket_order,
    roll_rate,
    loss_rate,
    method,
    rate_source,
    forward_looking_factor,
    window_start,
    window_end,
    month_pairs,
    observed_balance,
from marts.fct_loss_rates
where month_end = (select max(month_end) from intermediate.int_month_ends)
