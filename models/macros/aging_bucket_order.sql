-- The position of the aging bucket a number of days past due falls in: 0 (not_due) for 0 or
-- fewer days, then 1, 2, … by the configured inclusive upper bounds, the last open-ended.
-- Bounds [30, 60]: day 30 → 1 (1-30), day 31 → 2 (31-60), day 61 → 3 (61+); no day count, no bucket.
create or replace macro aging_bucket_order(days_past_due, bounds) as
    case
        when days_past_due is null then null
        when days_past_due <= 0 then 0
        else 1 + len(list_filter(bounds, lambda b: b < days_past_due))
    end
