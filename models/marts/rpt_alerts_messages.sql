-- Every message the notifier recorded (notify.messages), without its raw MIME: to whom, what
-- subject, its delivery status and attempts, when it was recorded and sent, where it went,
-- and how many breaches (new, escalated, reminders) and work-list lines it carried.
-- A view, so that a site built after `arwatch notify` shows the outbox as notify left it.
with

messages as (
    select * from notify.messages
),

message_breaches as (
    select * from notify.message_breaches
),

work_list_items as (
    select * from notify.work_list_items
),

breach_counts as (
    select
        message_id,
        count(*) as breaches,
        count(*) filter (where change = 'new') as new_breaches,
        count(*) filter (where change = 'escalated') as escalated_breaches,
        count(*) filter (where change = 'reminder') as reminder_breaches,
    from message_breaches
    group by all
),

item_counts as (
    select message_id, count(*) as work_list_items,
    from work_list_items
    group by all
),

final as (
    select
        messages.message_id,
        messages.run_id,
        messages.created_at,
        messages.as_of_date,
        messages.recipient,
        messages.recipient_role,
        messages.locale,
        messages.subject,
        messages.status,
        messages.attempts,
        messages.next_attempt_at,
        messages.last_error,
        messages.sent_at,
        messages.delivered_to,
        coalesce(breach_counts.breaches, 0) as breaches,
        coalesce(breach_counts.new_breaches, 0) as new_breaches,
        coalesce(breach_counts.escalated_breaches, 0) as escalated_breaches,
        coalesce(breach_counts.reminder_breaches, 0) as reminder_breaches,
        coalesce(item_counts.work_list_items, 0) as work_list_items,
    from messages
    left join breach_counts
        on messages.message_id = breach_counts.message_id
    left join item_counts
        on messages.message_id = item_counts.message_id
)

select * from final
