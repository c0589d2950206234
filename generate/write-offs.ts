import type { Warehouse } from "../core/warehouse.ts";
import { asOfSql, MIX, type Plan } from "./plan.ts";

/**
 * Builds g_write_offs: defaulting customers' invoices that will never be paid, are long past
 * due and carry no credit, written off in full, within MIX.writeOffWithinDays of becoming
 * eligible. Only some of them are (at most MIX.writeOffCeiling), so that old unpaid balances
 * also remain for the bad-debt figures.
 */
export async function buildWriteOffs(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  const after = MIX.writeOffAfterDays;
  await wh.run(`
    create or replace table g_write_offs as
    with eligible as (
      select doc_no, type_seq, customer_no, due_date, remaining
      from g_plan
      where is_invoice
        and default_date is not null
        and p1_date is null
        and remaining = amount
        and remaining > 0
        and due_date <= ${asOf} - ${after}
    ),
    picked as (
      select *
      from eligible
      qualify row_number() over (order by g_h(doc_no, 'wo.pick'), doc_no)
              <= least(${plan.writeOffTarget}, floor(${MIX.writeOffCeiling} * count(*) over ()))
    ),
    dated as (
      -- Booked within a quarter of becoming eligible, as a running business closes its books, so
      -- that write-offs fall all along the ledger (the warm-up year too) and roll rates see them.
      select *, due_date + ${after} + floor(g_u(doc_no, 'wo.date') * least(${asOf} - due_date - ${after} + 1, ${MIX.writeOffWithinDays}))::INTEGER as raw_date
      from picked
    )
    select
      doc_no as invoice_no,
      type_seq as invoice_seq,
      customer_no,
      -- Write-offs are booked at a month-end close when that month has closed by the as-of date.
      case when last_day(raw_date) <= ${asOf} then last_day(raw_date) else raw_date end as document_date,
      remaining as amount,
      row_number() over (order by document_date, doc_no) as type_seq
    from dated
  `);
}
