-- The headline figures as of the as-of date, one row: what the CLI summary prints and the site's
-- overview shows, computed once here so that both always agree. The breakdown by bucket is
-- rpt_aging_by_bucket.
with

params as (
    select as_of_date, currency, aging_basis, max_debt_age_days from meta.build_params
),

open_items as (
    select * from marts.fct_open_items
),

customers as (
    select * from marts.dim_customers
),

customer_losses as (
    select * from marts.fct_customer_expected_loss
),

kpis as (
    select * from marts.rpt_kpis_monthly
),

items as (
    select
        sum(outstanding_amount) as outstanding_amount,
        sum(outstanding_amount) filter (where outstanding_amount > 0) as gross_amount,
        count(*) as open_items,
        max(days_past_due) filter (where outstanding_amount > 0) as max_days_past_due,
    from open_items
),

by_customer as (
    select
        count(*) as customers,
        count(*) filter (where outstanding_amount <> 0) as customers_with_balance,
        count(*) filter (where credit_status = 'over_limit') as over_limit_customers,
        count(*) filter (where credit_status = 'near_limit') as near_limit_customers,
        count(*) filter (where credit_status = 'no_limit') as no_limit_customers,
        sum(overdue_amount) as overdue_amount,
        sum(expected_bad_debt_amount) as expected_bad_debt_amount,
        count(*) filter (where expected_bad_debt_amount > 0) as expected_bad_debt_customers,
    from customers
),

losses as (
    select
        sum(expected_loss) as expected_credit_loss,
        sum(gross_amount) filter (where loss_rate is null) as gross_without_loss_rate,
    from customer_losses
),

latest_kpis as (
    select month_end as dso_month_end, dso
    from kpis
    order by month_end desc
    limit 1
),

final as (
    select
        params.as_of_date,
        params.currency,
        params.aging_basis,
        params.max_debt_age_days,
        coalesce(items.outstanding_amount, 0)::decimal(38, 2) as outstanding_amount,
        coalesce(items.gross_amount, 0)::decimal(38, 2) as gross_amount,
        coalesce(by_customer.overdue_amount, 0)::decimal(38, 2) as overdue_amount,
        items.open_items,
        greatest(coalesce(items.max_days_past_due, 0), 0)::integer as max_days_past_due,
        by_customer.customers,
        by_customer.customers_with_balance,
        by_customer.over_limit_customers,
        by_customer.near_limit_customers,
        by_customer.no_limit_customers,
        coalesce(by_customer.expected_bad_debt_amount, 0)::decimal(38, 2) as expected_bad_debt_amount,
        by_customer.expected_bad_debt_customers,
        -- A total with part of the receivable missing would understate the loss: unknown is null.
        case when coalesce(losses.gross_without_loss_rate, 0) = 0
            then coalesce(losses.expected_credit_loss, 0) end::decimal(38, 2) as expected_credit_loss,
        coalesce(losses.gross_without_loss_rate, 0)::decimal(38, 2) as gross_without_loss_rate,
        latest_kpis.dso,
        latest_kpis.dso_month_end,
    from params
    cross join items
    cross join by_customer
    cross join losses
    left join latest_kpis on true
)

select * from final
