-- Receivables KPIs per month-end and drill-down level, on the gross receivable (positive open
-- items; unapplied cash and credits left out) and credit sales (invoices and debit notes raised
-- in the month). "days" is the calendar days of the month.
--   dso           = receivable ÷ credit sales × days (null for a month without credit sales)
--   dso_countback = walk back month by month from this one: a month whose credit sales the
--                   remaining receivable exceeds adds its full days (a month without sales too),
--                   the month that covers the rest adds its share; stops at the history's start
--   bpdso         = current (not yet due) receivable ÷ credit sales × days
--   add_days      = dso − bpdso
--   cei           = (opening + credit sales − closing) ÷ (opening + credit sales − closing current) × 100
--   pct_current   = current receivable ÷ receivable × 100
with

month_ends as (
    select * from intermediate.int_month_ends
),

levels as (
    select * from intermediate.int_drill_levels_monthly
),

level_values as (
    select distinct level, level_value from levels
),

-- Every level value at every month-end, so that the month before is always the row before.
grid as (
    select
        level_values.level,
        level_values.level_value,
        month_ends.month_end,
        month_ends.days_in_month,
        coalesce(levels.gross_amount, 0) as receivable,
        coalesce(levels.current_amount, 0) as current_receivable,
        coalesce(levels.invoiced_amount, 0) as credit_sales,
    from level_values
    cross join month_ends
    left join levels using (level, level_value, month_end)
),

with_opening as (
    select
        *,
        lag(receivable) over (partition by level, level_value order by month_end) as opening_receivable,
    from grid
),

walked_back as (
    select
        this_month.level,
        this_month.level_value,
        this_month.month_end,
        this_month.receivable,
        earlier.credit_sales,
        earlier.days_in_month,
        this_month.receivable - coalesce(sum(earlier.credit_sales) over (
            partition by this_month.level, this_month.level_value, this_month.month_end
            order by earlier.month_end desc
            rows between unbounded preceding and 1 preceding
        ), 0) as remaining,
    from grid as this_month
    join grid as earlier
        on earlier.level = this_month.level
        and earlier.level_value = this_month.level_value
        and earlier.month_end <= this_month.month_end
),

countback as (
    select
        level,
        level_value,
        month_end,
        sum(case
            when remaining <= 0 then 0
            when credit_sales >= remaining then remaining / credit_sales * days_in_month
            else days_in_month
        end) as dso_countback,
    from walked_back
    group by all
),

-- Ratios in DECIMAL(38, 2): a month with a few cents of credit sales against a large receivable
-- has a DSO of billions of days, which must build (and show) rather than overflow.
final as (
    select
        with_opening.month_end,
        with_opening.level,
        with_opening.level_value,
        case when credit_sales > 0 then round(receivable / credit_sales * days_in_month, 2) end::decimal(38, 2) as dso,
        round(countback.dso_countback, 2)::decimal(38, 2) as dso_countback,
        case when credit_sales > 0 then round(current_receivable / credit_sales * days_in_month, 2) end::decimal(38, 2) as bpdso,
        case when credit_sales > 0
            then round(receivable / credit_sales * days_in_month, 2) - round(current_receivable / credit_sales * days_in_month, 2)
        end::decimal(38, 2) as add_days,
        case when opening_receivable + credit_sales - current_receivable <> 0
            then round((opening_receivable + credit_sales - receivable) / (opening_receivable + credit_sales - current_receivable) * 100, 2)
        end::decimal(38, 2) as cei,
        case when receivable > 0 then round(current_receivable / receivable * 100, 2) end::decimal(38, 2) as pct_current,
        with_opening.receivable::decimal(38, 2) as receivable,
        with_opening.current_receivable::decimal(38, 2) as current_receivable,
        with_opening.credit_sales::decimal(38, 2) as credit_sales,
        with_opening.opening_receivable::decimal(38, 2) as opening_receivable,
        with_opening.days_in_month,
    from with_opening
    join countback using (level, level_value, month_end)
)

select * from final
