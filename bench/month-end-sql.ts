/**
 * The month-end history (issue 3), once per dialect, side by side like aging-sql.ts: the aging
 * at each of the last N month-ends, per month_end × customer_id × aging_bucket, computed the
 * straightforward way — a cross join of the month-ends with the ledger, then the open-item
 * aging of aging-sql.ts with the month-end in place of the as-of date:
 *
 * - at month-end M: documents count if document_date <= M, payments if payment_date <= M;
 * - a payment, or a credit_note/write_off, is applied to the document it names only if that
 *   document is an invoice or debit_note of the same customer dated <= M; otherwise it is
 *   unapplied (so a prepayment is unapplied until the month-end after its invoice is raised);
 * - outstanding of an invoice/debit_note = amount - applied payments - applied credits;
 *   unapplied payments (summed per payment_id) and unapplied credits are open items with a
 *   negative outstanding, due on their own date;
 * - the due date is the one of aging-sql.ts (DUE_DATE and TERM_IN_FORCE, shared);
 * - days_past_due = M - due_date, the buckets of aging-sql.ts; open items with outstanding 0 are
 *   dropped; the rest summed to month_end × customer_id × aging_bucket, with their count.
 *
 * What does not depend on M is worked out once, before the cross join, as anyone writing this by
 * hand would: each document's due date (it depends on the document date only: `dated`), and
 * which invoice/debit_note of the same customer an application names, with that document's date
 * (`applications`). Then the cross joins — month-ends × applications dated <= M, month-ends ×
 * documents dated <= M — and "applied at M" is just target_date <= M. The literal alternative,
 * the aging query with the month-end in every join key (re-matching each application to its
 * document at each month-end), gives the same rows but took 7-10 s instead of 4 s in DuckDB at
 * 1M invoices, and 69 s in PostgreSQL: a floor that does avoidable work would flatter arwatch.
 *
 * arwatch gets the same figures from balance spans (models/intermediate/int_item_balance_spans),
 * without a cross join; this is the baseline it is compared with.
 *
 * The differences between the two texts are those of aging-sql.ts: the term in force (ASOF JOIN
 * vs validity intervals), CREATE OR REPLACE vs DROP + CREATE, DECIMAL vs NUMERIC.
 */
import { BUCKET_CASE, DUE_DATE, TERM_IN_FORCE, dateLiteral } from "./aging-sql.ts";

/** arwatch's default history window (config history.months). */
export const HISTORY_MONTHS = 24;

const iso = (d: Date) => d.toISOString().slice(0, 10);
/** The last day of the month `monthsBack` months before (year, month0), in UTC. */
const lastDay = (year: number, month0: number, monthsBack: number) => new Date(Date.UTC(year, month0 - monthsBack + 1, 0));

/**
 * The month-ends of the history window, oldest first: the last `months` month-ends on or before
 * the as-of date, the latest being the as-of date itself when it is a month-end (as
 * models/intermediate/int_month_ends.sql). As of 2026-06-30, 24 months: 2024-07-31 … 2026-06-30.
 */
export function monthEnds(asOf: string, months = HISTORY_MONTHS): string[] {
  dateLiteral(asOf);
  const d = new Date(`${asOf}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const isMonthEnd = iso(lastDay(y, m, 0)) === asOf;
  const latestBack = isMonthEnd ? 0 : 1;
  const out: string[] = [];
  for (let k = months - 1; k >= 0; k--) out.push(iso(lastDay(y, m, latestBack + k)));
  return out;
}

/** `(values (DATE '…'), …) as m(month_end)`: the same text in both dialects. */
function monthEndValues(ends: readonly string[]): string {
  if (ends.length === 0) throw new Error("no month-ends");
  return `(values ${ends.map((e) => `(${dateLiteral(e)})`).join(", ")}) as m(month_end)`;
}

/**
 * The straightforward month-end join, one text for both engines: only the term-in-force join
 * (DuckDB's ASOF JOIN, PostgreSQL's validity intervals) and the decimal type's name differ.
 */
function monthEndSelect(dialect: "duckdb" | "postgres", ends: readonly string[]): string {
  return `
with month_ends as (
  select month_end from ${monthEndValues(ends)}
),
${TERM_IN_FORCE[dialect].terms},
dated as (
  select d.document_id, d.customer_id, d.document_type, d.document_date,
         ${DUE_DATE} as due_date,
         d.amount, d.applies_to
    from invoices d
    ${TERM_IN_FORCE[dialect].join}
),
targets as (
  select document_id, customer_id, document_date from dated where document_type in ('invoice', 'debit_note')
),
applications as (
  select 'payment' as kind, p.payment_id as id, p.customer_id, p.payment_date as applied_date, p.amount,
         t.document_id as target_id, t.document_date as target_date
    from payments p
    left join targets t on t.document_id = p.document_id and t.customer_id = p.customer_id
  union all
  select 'credit', c.document_id, c.customer_id, c.document_date, c.amount, t.document_id, t.document_date
    from dated c
    left join targets t on t.document_id = c.applies_to and t.customer_id = c.customer_id
   where c.document_type in ('credit_note', 'write_off')
),
apps as (
  select m.month_end, a.*, coalesce(a.target_date <= m.month_end, false) as applied
    from month_ends m cross join applications a
   where a.applied_date <= m.month_end
),
applied as (
  select month_end, target_id as document_id, sum(amount) as amount from apps where applied group by month_end, target_id
),
items as (
  select m.month_end, d.customer_id, d.due_date,
         d.amount - coalesce(ap.amount, 0) as outstanding_amount
    from month_ends m cross join dated d
    left join applied ap on ap.month_end = m.month_end and ap.document_id = d.document_id
   where d.document_date <= m.month_end and d.document_type in ('invoice', 'debit_note')
  union all
  select month_end, min(customer_id), min(applied_date), -sum(amount)
    from apps where kind = 'payment' and not applied group by month_end, id
  union all
  select month_end, customer_id, applied_date, -amount
    from apps where kind = 'credit' and not applied
),
aged as (
  select month_end, customer_id, outstanding_amount, cast(month_end - due_date as integer) as days_past_due
    from items where outstanding_amount <> 0
)
select month_end, customer_id,
       ${BUCKET_CASE} as aging_bucket,
       cast(sum(outstanding_amount) as ${dialect === "duckdb" ? "decimal" : "numeric"}(18,2)) as outstanding_amount,
       count(*) as open_items
  from aged
 group by 1, 2, 3`;
}

export function duckdbMonthEndSql(ends: readonly string[]): string {
  return `create or replace table month_end_aging as ${monthEndSelect("duckdb", ends)}`;
}

/** PostgreSQL has no CREATE OR REPLACE TABLE: the table is dropped first. */
export function postgresMonthEndSql(ends: readonly string[]): string {
  return `drop table if exists month_end_aging;\ncreate table month_end_aging as ${monthEndSelect("postgres", ends)};`;
}

/**
 * Outstanding per month-end as exact text, and the open items counted over all month-ends.
 * arwatch's query is the one the brief names; its grain has previous_bucket_order too, which a
 * sum over month_end does not care about.
 */
export const MONTH_END_TOTALS_SQL = {
  duckdb: "select cast(month_end as varchar) as month_end, cast(sum(outstanding_amount) as varchar) as outstanding from month_end_aging group by 1",
  postgres: "select month_end::text, sum(outstanding_amount)::text as outstanding from month_end_aging group by 1",
  arwatch: "select month_end, sum(outstanding_amount) from marts.fct_month_end_aging group by 1",
} as const;

/**
 * Outstanding per month-end and bucket: a stricter check than the per-month-end totals. An
 * application treated as unapplied instead of applied (or the reverse) leaves a month-end's
 * total unchanged — the document and the negative item cancel — but can move money between
 * buckets (and always changes the open-item count, compared as well).
 */
export const MONTH_END_BUCKET_SQL = {
  duckdb:
    "select cast(month_end as varchar) as month_end, aging_bucket, cast(sum(outstanding_amount) as varchar) as outstanding from month_end_aging group by 1, 2",
  postgres: "select month_end::text, aging_bucket, sum(outstanding_amount)::text as outstanding from month_end_aging group by 1, 2",
  arwatch: "select month_end, aging_bucket, sum(outstanding_amount) from marts.fct_month_end_aging group by 1, 2",
} as const;

export const MONTH_END_ITEMS_SQL = {
  duckdb: "select coalesce(sum(open_items), 0) as n from month_end_aging",
  postgres: "select coalesce(sum(open_items), 0) from month_end_aging",
  arwatch: "select coalesce(sum(open_items), 0) as n from marts.fct_month_end_aging",
} as const;
