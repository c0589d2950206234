-- The collectors' work lists of the latest as-of date the notifier made lists for
-- (notify.work_list_items), a row per line, with the customer's name and team and the status
-- of the message that carried the list. A view, so that a site built after `arwatch notify`
-- shows the lists notify just made.
with

items as (
    select * from notify.work_list_items
),

messages as (
    select message_id, status, sent_at from notify.messages
),

customers as (
    select customer_id, customer_name, team from marts.dim_customers
),

latest as (
    select max(as_of_date) as as_of_date from items
),

final as (
    select
        items.as_of_date,
        items.message_id,
        messages.status as message_status,
        messages.sent_at,
        items.recipient,
        items.collector,
        items.section,
        items.rank,
        items.customer_id,
        customers.customer_name,
        customers.team,
        items.document_id,
        items.amount,
        items.days_past_due,
        items.due_date,
        items.detail,
    from items
    inner join latest
        on items.as_of_date = latest.as_of_date
    left join messages
        on items.message_id = messages.message_id
    left join customers
        on items.customer_id = customers.customer_id
)

select * from final
