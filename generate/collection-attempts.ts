import type { Warehouse } from "../core/warehouse.ts";
import { asOfSql, MIX, type Plan } from "./plan.ts";
import { num, weightedSql } from "./sql-random.ts";
import { CHANNELS_BY_MARKET, type Weighted } from "./word-lists.ts";

// A customer that pays within the next three weeks mostly says so.
const OUTCOMES_PAYING_SOON: readonly Weighted[] = [
  ["promise_to_pay", 55],
  ["paid", 20],
  ["callback_requested", 10],
  ["no_answer", 10],
  ["dispute", 5],
];

const OUTCOMES: readonly Weighted[] = [
  ["promise_to_pay", 30],
  ["no_answer", 28],
  ["callback_requested", 14],
  ["dispute", 12],
  ["refused", 12],
  ["paid", 4],
];

// A customer that has stopped paying mostly does not pick up, or refuses.
const OUTCOMES_DEFAULTED: readonly Weighted[] = [
  ["no_answer", 35],
  ["refused", 25],
  ["promise_to_pay", 15],
  ["callback_requested", 15],
  ["dispute", 10],
];

const DISPUTE_REASONS: readonly Weighted[] = [
  ["dispute_quality", 35],
  ["dispute_price", 30],
  ["missing_po", 20],
  ["wrong_invoice_address", 15],
];
const DELAY_REASONS: readonly Weighted[] = [
  ["cash_flow", 55],
  ["awaiting_approval", 35],
  ["missing_po", 10],
];
const REFUSAL_REASONS: readonly Weighted[] = [
  ["cash_flow", 50],
  ["customer_closed", 30],
  ["dispute_price", 20],
];
const REFUSAL_REASONS_DEFAULTED: readonly Weighted[] = [
  ["customer_closed", 60],
  ["cash_flow", 40],
];

/** A payment this many days after a call or fewer makes the call one with a customer about to pay. */
const PAYING_SOON_DAYS = 21;

/** Attempts per document are at most this; also the stride that makes (doc, k) a unique draw key. */
const MAX_ATTEMPTS = 6;

/**
 * Builds g_attempts: follow-ups on invoices while they were overdue (after the due date, before
 * they were settled or written off, never after the as-of date). Longer-overdue invoices get
 * more follow-ups; on average MIX.attemptsPerOverdueInvoice per invoice that was ever overdue.
 * A promise is drawn from the payment plan so that some are kept (a payment of at least the
 * promised amount by the promised date exists) and others broken.
 */
export async function buildCollectionAttempts(wh: Warehouse, plan: Plan): Promise<void> {
  const asOf = asOfSql(plan);
  await wh.run(`
    create or replace table g_attempts as
    with docs as (
      select
        p.doc_no, p.customer_no, p.type_seq, p.due_date, p.remaining, p.p1_date, p.p1_amount, p.p2_date, p.p2_amount,
        (p.due_date >= p.default_date) is true as is_defaulted,
        w.document_date as written_off_date,
        case when p.p2_date <= ${asOf} then p.p2_date
             when p.p2_date is null and p.p1_date <= ${asOf} and p.p1_amount = p.remaining then p.p1_date
        end as settled_date
      from g_plan p
      left join g_write_offs w on w.invoice_no = p.doc_no
      where p.is_invoice and p.remaining > 0 and p.due_date < ${asOf}
    ),
    overdue as (
      -- Days the invoice was overdue: from the day after it fell due to the day before it was
      -- settled, the write-off, or the as-of date.
      select *, least(${asOf}, coalesce(settled_date - 1, ${asOf}), coalesce(written_off_date, ${asOf})) - due_date as span
      from docs
    ),
    spans as (
      select *, least(span, 365) as weight from overdue where span >= 1
    ),
    totals as (
      -- Integer sums and counts: exact, so the draw is the same whatever the thread schedule.
      select sum(weight) as total_weight, count(*) as n_overdue from spans
    ),
    counted as (
      select
        s.*,
        least(${MAX_ATTEMPTS}, floor(${num(MIX.attemptsPerOverdueInvoice)} * weight * n_overdue / total_weight
                                     + g_u(doc_no, 'a.count')))::INTEGER as n_attempts
      from spans s
      cross join totals
    ),
    expanded as (
      select *, doc_no * ${MAX_ATTEMPTS} + k as draw_no
      from (select *, unnest(range(n_attempts)) as k from counted where n_attempts > 0)
    ),
    dated as (
      select *, due_date + 1 + floor(g_u(draw_no, 'a.date') * span)::INTEGER as attempt_date
      from expanded
    ),
    drawn as (
      select
        *,
        g_u(draw_no, 'a.outcome') as u_outcome,
        g_u(draw_no, 'a.reason') as u_reason,
        g_u(draw_no, 'a.channel') as u_channel,
        g_u(draw_no, 'a.kept') as u_kept,
        g_u(draw_no, 'a.promise') as u_promise,
        -- The next payment that actually happened on or after the call.
        case when p1_date between attempt_date and ${asOf} then p1_date
             when p2_date between attempt_date and ${asOf} then p2_date end as next_paid_date,
        case when p1_date between attempt_date and ${asOf} then p1_amount
             when p2_date between attempt_date and ${asOf} then p2_amount end as next_paid_amount,
        remaining - case when p1_date < attempt_date then p1_amount else 0 end
                  - case when p2_date < attempt_date then p2_amount else 0 end as open_at_attempt
      from dated
    ),
    outcomes as (
      select
        *,
        next_paid_date <= attempt_date + ${PAYING_SOON_DAYS} as is_paying_soon,
        case when is_defaulted then ${weightedSql(OUTCOMES_DEFAULTED, "u_outcome")}
             when is_paying_soon then ${weightedSql(OUTCOMES_PAYING_SOON, "u_outcome")}
             else ${weightedSql(OUTCOMES, "u_outcome")} end as outcome
      from drawn
    )
    select
      row_number() over (order by attempt_date, doc_no, k) as attempt_no,
      o.customer_no,
      o.type_seq as invoice_seq,
      attempt_date,
      c.collector,
      ${weightedSql(CHANNELS_BY_MARKET[plan.market], "u_channel")} as channel,
      outcome,
      case outcome
        when 'dispute' then ${weightedSql(DISPUTE_REASONS, "u_reason")}
        when 'refused' then case when is_defaulted then ${weightedSql(REFUSAL_REASONS_DEFAULTED, "u_reason")}
                                 else ${weightedSql(REFUSAL_REASONS, "u_reason")} end
        when 'promise_to_pay' then ${weightedSql(DELAY_REASONS, "u_reason")}
        when 'callback_requested' then ${weightedSql(DELAY_REASONS, "u_reason")}
      end as reason,
      -- A customer about to pay mostly promises that payment (kept); otherwise a promise names
      -- the whole open amount within two weeks, and passes (broken) or is still to come.
      case when outcome <> 'promise_to_pay' then null
           when is_paying_soon and u_kept < 0.8 then next_paid_date + floor(4 * u_promise)::INTEGER
           else attempt_date + 3 + floor(12 * u_promise)::INTEGER end as promised_date,
      case when outcome <> 'promise_to_pay' then null
           when is_paying_soon and u_kept < 0.8 then next_paid_amount
           else open_at_attempt end as promised_amount
    from outcomes o
    join g_customers c using (customer_no)
  `);
}
