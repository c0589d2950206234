-- The collection portal's headline view: per month-end and drill-down level, the outstanding
-- debt, how much of it is under follow-up, what is overdue and expected bad debt, and what was
-- invoiced and collected in the month.
with

levels as (
    select * from intermediate.int_drill_levels_monthly
),

final as (
    select
        month_end,
        level,
        level_value,
        outstanding_amount::decimal(38, 2) as outstanding_amount,
        gross_amount::decimal(38, 2) as gross_amount,
        coalesce(under_follow_up_amount, 0)::decimal(38, 2) as under_follow_up_amount,
        case when gross_amount > 0 then round(coalesce(under_follow_up_amount, 0) / gross_amount, 4) end::decimal(9, 4)
            as follow_up_ratio,
        overdue_amount::decimal(38, 2) as overdue_amount,
        expected_bad_debt_amount::decimal(38, 2) as expected_bad_debt_amount,
        collected_amount::decimal(38, 2) as collected_amount,
        invoiced_amount::decimal(38, 2) as invoiced_amount,
        customers_with_balance::integer as customers_with_balance,
        customers_under_follow_up::integer as customers_under_follow_up,
        follow_ups::integer as follow_ups,
    from levels
)

select * from final
