-- How each customer pays, per month of the history (from its first activity on): invoiced, paid, the amount-weighted average
-- days late of the month's payments (days after the due date, 0 when on time), the share paid on
-- time, the worst delay, and a behaviour class from the trailing months:
--   defaulting  a write-off in the last 12 months, or a balance more than badDebt.maxDebtAgeDays
--               past due at the month-end;
--   unstable    paid nothing in the last 6 months while overdue, or 6-month weighted days late
--               over 30, or a payment more than 90 days late in the last 6 months;
--   slow        6-month weighted days late over 7;
--   prompt      paid in the last 6 months, weighted days late 7 or fewer;
--   no_history  nothing paid in the last 6 months and nothing overdue.
-- Only payments applied to an invoice or debit note of the customer count towards lateness.
with

month_ends as (
    select * from intermediate.int_month_ends
),

customer_months as (
    select * from intermediate.int_customer_months
),

applied_payments as (
    select
        month_ends.month_end,
        payments.customer_id,
        payments.amount,
        greatest(0, payments.days_late) as days_late,
    from intermediate.int_payments_days_late as payments
    join month_ends on month_ends.month_end = last_day(payments.payment_date)
),

paid_monthly as (
    select
        month_end,
        customer_id,
        sum(amount) as paid_amount,
        sum(amount * days_late) as late_weight,
        coalesce(sum(amount) filter (where days_late = 0), 0) as paid_on_time_amount,
        max(days_late) as worst_days_late,
    from applied_payments
    group by all
),

written_off as (
    select month_ends.month_end, documents.customer_id, sum(documents.amount) as written_off_amount
    from staging.stg_invoices as documents
    join month_ends on month_ends.month_end = last_day(documents.document_date)
    where documents.document_type = 'write_off'
    group by all
),

-- Every month-end from a customer's first activity on, so that a class (defaulting after a
-- write-off, say) holds through quiet months too.
first_months as (
    select customer_id, min(month_end) as first_month_end
    from (select customer_id, month_end from customer_months union all select customer_id, month_end from written_off)
    group by all
),

grid as (
    select first_months.customer_id, month_ends.month_end
    from first_months
    join month_ends on month_ends.month_end >= first_months.first_month_end
),

-- The trailing figures without a window over the grid: a month with payments counts in the 6
-- month-ends from it on, a month with write-offs in the 12 from it on, and each month-end sums
-- what reaches it. The grid has every month-end from the customer's first activity on, so these
-- are the grid's last 6 and 12 months. (A window over the grid's 1.9M rows sorts them all; this
-- is a join to the few month-ends and one grouping.)
reaching as (
    select customer_id, month_end, 6 as months, paid_amount, late_weight, worst_days_late, null as written_off_amount
    from paid_monthly
    union all
    select customer_id, month_end, 12, null, null, null, written_off_amount
    from written_off
),

trailing_sums as (
    select
        month_ends.month_end,
        reaching.customer_id,
        sum(reaching.paid_amount) as paid_6m,
        sum(reaching.late_weight) as late_weight_6m,
        max(reaching.worst_days_late) as worst_days_late_6m,
        sum(reaching.written_off_amount) as written_off_12m,
    from reaching
    join month_ends
        on month_ends.month_end >= reaching.month_end
        and month_ends.month_end
            <= last_day((date_trunc('month', reaching.month_end) + to_months(reaching.months - 1))::date)
    group by all
),

monthly as (
    select
        grid.month_end,
        grid.customer_id,
        coalesce(customer_months.invoiced_amount, 0) as invoiced_amount,
        coalesce(customer_months.overdue_amount, 0) as overdue_amount,
        coalesce(customer_months.expected_bad_debt_amount, 0) as expected_bad_debt_amount,
        coalesce(paid_monthly.paid_amount, 0) as paid_amount,
        coalesce(paid_monthly.late_weight, 0) as late_weight,
        coalesce(paid_monthly.paid_on_time_amount, 0) as paid_on_time_amount,
        paid_monthly.worst_days_late,
        coalesce(trailing_sums.paid_6m, 0) as paid_6m,
        coalesce(trailing_sums.late_weight_6m, 0) as late_weight_6m,
        trailing_sums.worst_days_late_6m,
        coalesce(trailing_sums.written_off_12m, 0) as written_off_12m,
    from grid
    left join customer_months using (month_end, customer_id)
    left join paid_monthly using (month_end, customer_id)
    left join trailing_sums using (month_end, customer_id)
),

final as (
    select
        month_end,
        customer_id,
        invoiced_amount::decimal(38, 2) as invoiced_amount,
        paid_amount::decimal(38, 2) as paid_amount,
        case when paid_amount > 0 then round(late_weight / paid_amount, 1) end::decimal(9, 1) as avg_days_late,
        case when paid_amount > 0 then round(paid_on_time_amount / paid_amount, 4) end::decimal(9, 4) as share_paid_on_time,
        worst_days_late::integer as worst_days_late,
        case when paid_6m > 0 then round(late_weight_6m / paid_6m, 1) end::decimal(9, 1) as avg_days_late_6m,
        case
            when written_off_12m > 0 or expected_bad_debt_amount > 0 then 'defaulting'
            when paid_6m = 0 and overdue_amount > 0 then 'unstable'
            when paid_6m > 0 and (late_weight_6m / paid_6m > 30 or worst_days_late_6m > 90) then 'unstable'
            when paid_6m > 0 and late_weight_6m / paid_6m > 7 then 'slow'
            when paid_6m > 0 then 'prompt'
            else 'no_history'
        end as behaviour_class,
    from monthly
)

select * from final
