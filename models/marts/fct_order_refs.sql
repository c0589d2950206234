-- One row per order id the warehouse knows on the as-of date: an order of the sales orders
-- extract, an order a document of the invoices extract bills (its order_id), or both. The credit
-- check reads it to release an approval's reservation once its order, or an invoice for it, has
-- been ingested. Only documents that bill (invoices and debit notes) count: a credit note or a
-- write-off that names an order bills nothing. Orders and documents dated after the as-of date
-- are not counted; an order without a date is (as in dim_customers).
with

params as (
    select as_of_date from meta.build_params
),

orders as (
    select order_id, customer_id, unbilled_amount
    from staging.stg_sales_orders, params
    where order_date is null or order_date <= params.as_of_date
),

billing_documents as (
    select order_id, customer_id, document_id, document_date
    from staging.stg_invoices, params
    where order_id is not null
        and is_debit
        and document_date <= params.as_of_date
),

first_documents as (
    select order_id, customer_id, document_id
    from billing_documents
    qualify row_number() over (
        partition by order_id order by document_date, document_id
    ) = 1
),

final as (
    select
        coalesce(orders.order_id, first_documents.order_id) as order_id,
        -- The order's customer; for an order known only from its documents, the first one's.
        coalesce(orders.customer_id, first_documents.customer_id) as customer_id,
        case
            when orders.order_id is null then 'invoice'
            when first_documents.order_id is null then 'sales_order'
            else 'both'
        end as seen_in,
        first_documents.document_id as first_document_id,
        orders.unbilled_amount::decimal(18, 2) as open_unbilled_amount,
    from orders
    full outer join first_documents
        on orders.order_id = first_documents.order_id
)

select * from final
