import type { Warehouse } from "../core/warehouse.ts";
import { asOfSql, MIX, type Plan } from "./plan.ts";

/**
 * Builds g_plan: for every invoice and debit note, what is left to pay after an applied credit
 * note and when the customer pays it (one payment, or two instalments). Planned dates may lie
 * beyond the as-of date: such payments have not happened, the document is simply still open,
 * and the plan lets a collector's promise be kept or broken consistently with the payments.
 */
export async function buildPaymentPlan(wh: Warehouse, plan: Plan): Promise<void> {
  await wh.run(`
    create or replace table g_plan as
    with docs as (
      select
        d.doc_no, d.customer_no, not d.is_debit_note as is_invoice, d.type_seq, d.document_date, d.due_date, d.amount,
        c.behaviour, c.default_date, c.pay_dow,
        d.amount - coalesce(cn.amount, 0) as remaining
      from g_docs d
      join g_customers c using (customer_no)
      left join (select invoice_no, amount from g_credit_notes where is_applied) cn on cn.invoice_no = d.doc_no
    ),
    drawn as (
      select
        *,
        -- A disputed invoice (quality, price, a missing PO) waits until the dispute is settled; a
        -- defaulting customer never settles one, and pays nothing that falls due after it stopped paying.
        g_u(doc_no, 'p.never') < ${MIX.neverPaid} as is_disputed,
        remaining > 0
          and not (is_disputed and behaviour = 'defaulting')
          and (due_date >= default_date) is not true as will_pay,
        case behaviour
          when 'prompt' then greatest(-14, least(10, round(-3 + 4 * g_n(doc_no, 'p.delay'))))
          when 'slow' then 10 + floor(31 * g_u(doc_no, 'p.delay'))
          when 'chronic' then 40 + floor(81 * g_u(doc_no, 'p.delay'))
          else 15 + floor(46 * g_u(doc_no, 'p.delay'))
        end::INTEGER as delay,
        case behaviour when 'chronic' then g_u(doc_no, 'p.split') < 0.5
                       when 'slow' then g_u(doc_no, 'p.split') < 0.05
                       else false end as is_split,
        -- Short payments (bank charges, withholding tax deducted) leave a small residual open.
        g_u(doc_no, 'p.short') < 0.02 as is_short,
        g_u(doc_no, 'p.fraction') as u_fraction,
        (15 + floor(46 * g_u(doc_no, 'p.gap')))::INTEGER as gap
      from docs
    ),
    timed as (
      -- A settled dispute is paid two to eight months later than the customer's habit, so that
      -- some disputes are still open at the as-of date and the rest do not pile up as bad debt.
      select *, due_date + delay + case when is_disputed then 60 + floor(181 * g_u(doc_no, 'p.settle'))::INTEGER else 0 end as target
      from drawn
    ),
    snapped as (
      select
        *,
        -- Prompt and slow payers pay in a weekly run on their own weekday, so one payment often
        -- settles several invoices; the others pay whenever cash allows.
        greatest(document_date, case when behaviour in ('prompt', 'slow')
                                     then target + ((pay_dow - dayofweek(target) + 7) % 7)::INTEGER
                                     else target end) as planned_date
      from timed
    )
    select
      doc_no, customer_no, is_invoice, type_seq, document_date, due_date, amount, remaining,
      -- Set only for defaulting customers: the day they stopped paying.
      default_date,
      case when will_pay then planned_date end as p1_date,
      case when not will_pay then null
           when is_split then round(remaining::DOUBLE * (0.3 + 0.4 * u_fraction), ${plan.digits})::DECIMAL(18,2)
           when is_short then round(remaining::DOUBLE * (0.97 + 0.025 * u_fraction), ${plan.digits})::DECIMAL(18,2)
           else remaining end as p1_amount,
      case when will_pay and is_split then planned_date + gap end as p2_date,
      case when will_pay and is_split then remaining - p1_amount end as p2_amount
    from snapped
  `);
}

/**
 * Builds g_payments: the payment lines that happened by the as-of date, plus unapplied cash
 * (money received on account, not matched to a document). Lines of one customer on one day
 * share a payment id, as one bank transfer settling several invoices.
 */
export async function buildPayments(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  await wh.run(`
    create or replace table g_payments as
    with lines as (
      select customer_no, p1_date as payment_date, p1_amount as amount, is_invoice, type_seq, false as is_unapplied, 0 as source_no
      from g_plan where p1_date <= ${asOf}
      union all
      select customer_no, p2_date, p2_amount, is_invoice, type_seq, false, 0
      from g_plan where p2_date <= ${asOf}
      union all
      select
        customer_no,
        least(${asOf}, document_date + floor(60 * g_u(doc_no, 'u.date'))::INTEGER),
        round(amount::DOUBLE * (0.1 + 0.9 * g_u(doc_no, 'u.amount')), ${plan.digits})::DECIMAL(18,2),
        null,
        null,
        true,
        doc_no
      from g_plan
      where g_u(doc_no, 'u.pick') < ${MIX.unappliedCash}
        and (document_date >= default_date) is not true
    )
    select
      -- A total order over the grouping key: the same lines get the same number on every run.
      dense_rank() over (order by payment_date, customer_no, is_unapplied, source_no) as payment_no,
      customer_no, payment_date, amount, is_invoice, type_seq
    from lines
  `);
}
