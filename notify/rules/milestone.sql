-- scope: document
-- Reminder milestones per document (notify.workList.milestones, days past due, e.g. -3, 0, 7, 30):
-- the level is how many of them the document has reached, so a document that went from 5 to 31
-- days past due while arwatch did not run is reported once, at the 30-day milestone. Only
-- invoices and debit notes still owed; a document in dispute is not chased (the work list shows
-- it apart), so it has no milestone breach while the dispute lasts.
with

params as (
    select $milestones::integer[] as milestones
),

open_documents as (
    select open_items.*
    from marts.fct_open_items as open_items
    where open_items.document_type in ('invoice', 'debit_note')
        and open_items.outstanding_amount > 0
        and not exists (
            select 1 from notify_disputed_documents as disputed
            where disputed.document_id = open_items.document_id and disputed.customer_id = open_items.customer_id
        )
),

leveled as (
    select
        open_documents.*,
        len(list_filter(params.milestones, lambda m: open_documents.days_past_due >= m)) as level,
        params.milestones,
    from open_documents, params
)

select
    customer_id,
    document_id,
    level,
    outstanding_amount::decimal(38, 2) as amount,
    json_object(
        'milestone_days', milestones[level],
        'days_past_due', days_past_due,
        'due_date', due_date::varchar,
        'document_type', document_type
    ) as facts,
from leveled
where level >= 1
