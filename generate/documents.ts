import type { Warehouse } from "../core/warehouse.ts";
import { asOfSql, MIX, money, type Plan } from "./plan.ts";
import { num } from "./sql-random.ts";

/** Total customer weight, needed to draw a uniform integer over the cumulative weights. */
export async function totalWeight(wh: Warehouse): Promise<number> {
  const [row] = await wh.all<{ total: string }>("select max(total) as total from g_customer_weights");
  return Number(row!.total);
}

/**
 * Builds g_docs: the invoices and debit notes. Credit notes and write-offs are derived from
 * these later, so that each one naturally belongs to a customer and follows its invoice.
 *
 * doc_no is the ERP's posting sequence: document dates rise with it, so per-type numbers in
 * date order come from arithmetic instead of a window over all documents (which cost more
 * than everything else in this step). Debit notes sit at the positions of a Beatty sequence,
 * floor(n * share) stepping up, so the count of debit notes up to any doc_no is exact.
 */
export async function buildDocuments(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  const total = await totalWeight(wh);
  const share = Math.min(1, (MIX.debitNotes * (plan.baseDocs + plan.creditNotes + plan.writeOffTarget)) / plan.baseDocs);
  // Every customer gets one document at a fixed, evenly spaced position so that none is left
  // without any; the others go to customers in proportion to their size.
  const stride = Math.max(1, Math.floor(plan.baseDocs / plan.customers));
  // Density rising linearly from 0.7 to 1.3 over the window (inverse CDF): recent months are busier.
  const rising = `(-0.7 + sqrt(0.49 + 1.2 * (doc_no - 0.5) / ${plan.baseDocs})) / 0.6`;
  await wh.run(`
    create or replace table g_docs as
    with slots as (
      select
        range + 1 as doc_no,
        (range + 1) % ${stride} = 0 and (range + 1) // ${stride} <= ${plan.customers} as is_fixed,
        g_int(range + 1, 'd.customer', ${total}) as pick
      from range(${plan.baseDocs})
    ),
    owned as (
      select doc_no, doc_no // ${stride} as customer_no from slots where is_fixed
      union all
      select s.doc_no, w.customer_no from (select doc_no, pick from slots where not is_fixed) s
      asof join g_customer_weights w on s.pick >= w.lo
    ),
    numbered as (
      select
        o.doc_no,
        o.customer_no,
        c.ticket,
        c.credit_term_days,
        floor(o.doc_no * ${num(share)})::BIGINT as debit_notes_so_far,
        debit_notes_so_far > floor((o.doc_no - 1) * ${num(share)}) as is_debit_note,
        ${asOf} - floor((1 - ${rising}) * ${plan.days})::INTEGER as raw_date,
        g_n(o.doc_no, 'd.amount') as z_amount,
        g_u(o.doc_no, 'd.due') as u_due
      from owned o
      join g_customers c using (customer_no)
    ),
    dated as (
      select
        *,
        -- Nobody invoices on a Sunday; Monday takes it (unless that would pass the as-of date).
        raw_date + case when dayofweek(raw_date) = 0 and raw_date < ${asOf} then 1 else 0 end as document_date
      from numbered
    )
    select
      doc_no,
      customer_no,
      is_debit_note,
      case when is_debit_note then debit_notes_so_far else doc_no - debit_notes_so_far end as type_seq,
      document_date,
      document_date + credit_term_days as due_date,
      u_due >= ${MIX.missingDueDate} as has_due_date,
      -- Log-normal around the customer's typical ticket, kept within 50 to 50,000 (debit notes
      -- are surcharges and corrections, a fraction of an invoice).
      case when is_debit_note
           then ${money(plan, "greatest(10, least(50000, 0.12 * ticket * exp(0.9 * z_amount)))")}
           else ${money(plan, "greatest(50, least(50000, ticket * exp(0.9 * z_amount)))")} end as amount
    from dated
  `);
}

/**
 * Builds g_credit_notes: a credit (return, price correction) against a chosen invoice, dated on
 * or after it. Most are applied to that invoice; the rest are left on account.
 */
export async function buildCreditNotes(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  await wh.run(`
    create or replace table g_credit_notes as
    with picked as (
      -- Top-k by hash: an exact count, and each invoice gets at most one credit note.
      select doc_no, type_seq, customer_no, document_date, amount
      from g_docs
      where not is_debit_note
      order by g_h(doc_no, 'cn.pick'), doc_no
      limit ${plan.creditNotes}
    ),
    drawn as (
      select
        *,
        -- Most credits follow within days; a few come weeks later.
        least(${asOf}, document_date + floor(60 * pow(g_u(doc_no, 'cn.lag'), 2))::INTEGER) as cn_date,
        g_u(doc_no, 'cn.full') < 0.2 as is_full,
        0.05 + 0.6 * g_u(doc_no, 'cn.fraction') as fraction,
        g_u(doc_no, 'cn.unapplied') >= ${MIX.unappliedCredit} as is_applied
      from picked
    )
    select
      doc_no as invoice_no,
      type_seq as invoice_seq,
      customer_no,
      cn_date as document_date,
      case when is_full then amount else round(amount::DOUBLE * fraction, ${plan.digits})::DECIMAL(18,2) end as amount,
      is_applied,
      row_number() over (order by cn_date, doc_no) as type_seq
    from drawn
  `);
}
