-- The customers on hold or blocked when the last whole build published the credit standing:
-- those whose next order of any size would be held or blocked (pending approvals of the credit
-- log counted), as `arwatch holds` lists them, with the reasons. A view over credit.holds, which
-- the build writes after it has published the standing.
with

holds as (
    select * from credit.holds
),

final as (
    select
        as_of_date,
        computed_at,
        customer_id,
        customer_name,
        team,
        collector,
        decision,
        reason_codes,
        reasons,
        credit_limit,
        exposure as exposure_amount,
        pending_approvals as pending_approvals_amount,
        overdue_amount,
        max_days_past_due,
        behaviour_class,
        override_until,
    from holds
)

select * from final
