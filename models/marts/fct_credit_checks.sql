-- Every order-time credit check of the credit log, one row per check, as credit.checks holds it:
-- each build copies the log in (credit/warehouse-tables.ts), an override given later folded onto
-- its check. What was asked (customer, order, amount, when, from where), what was decided and
-- why, the exposure it was decided on, the build the answer rested on, and who overrode it.
-- A view, so that it reads the copy the build has just made.
with

checks as (
    select * from credit.checks
),

final as (
    select
        check_id,
        checked_at,
        source,
        customer_id,
        customer_name,
        customer_status,
        order_id,
        currency,
        amount,
        decision,
        may_proceed,
        overridden_by is not null as is_overridden,
        reason_codes,
        reasons,
        reasons_json,
        outstanding as outstanding_amount,
        open_orders as open_orders_amount,
        pending_approvals as pending_approvals_amount,
        total_after as exposure_after_amount,
        credit_limit,
        available_credit_after,
        utilisation_after,
        overdue_amount,
        max_days_past_due,
        behaviour_class,
        data_as_of_date,
        data_built_at,
        data_last_ingest_at,
        is_data_stale,
        reserved_until,
        reserved_amount,
        order_known as is_order_known,
        overridden_by,
        override_reason,
        overridden_at,
        override_up_to_amount,
        override_until,
        override_from_check_id,
    from checks
)

select * from final
