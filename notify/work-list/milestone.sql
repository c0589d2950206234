-- Documents that reached a reminder milestone since they were last told (new or higher milestone),
-- or whose reminder is due again (renotifyDays): the milestone breaches this run tells. Most
-- overdue first.
select
    changes.recipient,
    'milestone' as section,
    breaches.customer_id,
    breaches.document_id,
    breaches.amount,
    (breaches.facts ->> 'days_past_due')::integer as days_past_due,
    (breaches.facts ->> 'due_date')::date as due_date,
    breaches.facts ->> 'milestone_days' as detail,
    row_number() over (
        partition by changes.recipient
        order by breaches.level desc, days_past_due desc, breaches.amount desc, breaches.customer_id, breaches.document_id
    ) as rank,
from notify_changes as changes
join notify.breaches as breaches using (breach_id)
where breaches.rule = 'milestone'
