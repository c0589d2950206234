/**
 * The open-item aging query, once per dialect, side by side so that a reviewer can diff them:
 * the floor and the peer must compute exactly the same thing, or the timing comparison means
 * nothing. The semantics (shared by arwatch's marts.fct_open_items, as specified for the bench):
 *
 * - as of D: documents count if document_date <= D, payments if payment_date <= D;
 * - a payment, or a credit_note/write_off, is applied to the document it names only if that
 *   document is an invoice or debit_note of the same customer dated <= D; otherwise it is
 *   unapplied;
 * - outstanding of an invoice/debit_note = amount - applied payments - applied credits;
 * - unapplied payments (summed per payment_id) and unapplied credits are open items with a
 *   negative outstanding, due on their own date;
 * - due_date = the document's due_date, else document_date + the customer's credit term in force
 *   on the document date: the latest credit_limits row with a term effective by then, else the
 *   customers extract's credit_term_days, else 0 (so: the document date). This is arwatch's
 *   documented definition (README, Definitions). The customers' term alone would age some
 *   documents differently from arwatch whenever a customer's terms change over time;
 * - days_past_due = D - due_date; buckets <=0 not_due, 1-30, 31-60, 61-90, 91-120, 121+;
 * - rows with outstanding = 0 are dropped.
 *
 * The differences between the two texts:
 * - the term in force: DuckDB has ASOF JOIN for exactly this; PostgreSQL has none, so each term
 *   gets its validity interval [effective_date, next effective_date) with lead() and documents
 *   join on customer_id (a hash join) plus the range — the same rows, each engine's idiom;
 * - DuckDB replaces the table in one statement, PostgreSQL needs a DROP first;
 * - DuckDB's DATE - DATE is a BIGINT, PostgreSQL's an integer: both are cast to INTEGER so that
 *   the tables have the same column types.
 */

/** Both engines take the same ISO date literal; validated so it can be inlined. */
export function dateLiteral(asOf: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`as-of date must be YYYY-MM-DD, got ${asOf}`);
  return `DATE '${asOf}'`;
}

export const BUCKET_ORDER = ["not_due", "1-30", "31-60", "61-90", "91-120", "121+"] as const;

/*
 * Fragments shared with the month-end history (month-end-sql.ts), so that both comparisons age
 * by one definition. They are written for a document aliased d and read `days_past_due`.
 */

/** The bucket of `days_past_due` (same text in both dialects). */
export const BUCKET_CASE = `case when days_past_due <= 0 then 'not_due'
            when days_past_due <= 30 then '1-30'
            when days_past_due <= 60 then '31-60'
            when days_past_due <= 90 then '61-90'
            when days_past_due <= 120 then '91-120'
            else '121+' end`;

/** A document d's due date, given the term t in force on its date and its customer cu (see TERM_IN_FORCE). */
export const DUE_DATE = "coalesce(d.due_date, d.document_date + coalesce(t.credit_term_days, cu.credit_term_days, 0))";

/**
 * The credit term in force on a document d's date: a `terms` CTE and the joins that give the
 * document its term t and its customer cu. DuckDB has ASOF JOIN; PostgreSQL joins each term's
 * validity interval [effective_date, next effective_date).
 */
export const TERM_IN_FORCE = {
  duckdb: {
    terms: `terms as (
  select customer_id, effective_date, credit_term_days from credit_limits where credit_term_days is not null
)`,
    join: `asof left join terms t on t.customer_id = d.customer_id and d.document_date >= t.effective_date
    left join customers cu on cu.customer_id = d.customer_id`,
  },
  postgres: {
    terms: `terms as (
  select customer_id, effective_date, credit_term_days,
         lead(effective_date) over (partition by customer_id order by effective_date) as next_date
    from credit_limits where credit_term_days is not null
)`,
    join: `left join terms t on t.customer_id = d.customer_id and d.document_date >= t.effective_date
                     and (t.next_date is null or d.document_date < t.next_date)
    left join customers cu on cu.customer_id = d.customer_id`,
  },
} as const;

export function duckdbAgingSql(asOf: string): string {
  const D = dateLiteral(asOf);
  return `
create or replace table open_items as
with docs as (
  select * from invoices where document_date <= ${D}
),
targets as (
  select document_id, customer_id from docs where document_type in ('invoice', 'debit_note')
),
pays as (
  select p.payment_id, p.customer_id, p.payment_date, p.amount, p.document_id,
         t.document_id is not null as applied
    from payments p
    left join targets t on t.document_id = p.document_id and t.customer_id = p.customer_id
   where p.payment_date <= ${D}
),
credits as (
  select c.document_id, c.customer_id, c.document_type, c.document_date, c.amount, c.applies_to,
         t.document_id is not null as applied
    from docs c
    left join targets t on t.document_id = c.applies_to and t.customer_id = c.customer_id
   where c.document_type in ('credit_note', 'write_off')
),
paid as (
  select document_id, sum(amount) as amount from pays where applied group by document_id
),
credited as (
  select applies_to as document_id, sum(amount) as amount from credits where applied group by applies_to
),
${TERM_IN_FORCE.duckdb.terms},
items as (
  select d.document_id, d.customer_id, d.document_type, d.document_date,
         ${DUE_DATE} as due_date,
         d.amount,
         d.amount - coalesce(pd.amount, 0) - coalesce(cr.amount, 0) as outstanding_amount
    from docs d
    ${TERM_IN_FORCE.duckdb.join}
    left join paid pd on pd.document_id = d.document_id
    left join credited cr on cr.document_id = d.document_id
   where d.document_type in ('invoice', 'debit_note')
  union all
  select payment_id, min(customer_id), 'payment', min(payment_date), min(payment_date),
         sum(amount), -sum(amount)
    from pays where not applied group by payment_id
  union all
  select document_id, customer_id, document_type, document_date, document_date, amount, -amount
    from credits where not applied
),
aged as (
  select *, cast(${D} - due_date as integer) as days_past_due from items where outstanding_amount <> 0
)
select document_id, customer_id, document_type, document_date, due_date,
       cast(amount as decimal(18,2)) as amount,
       cast(outstanding_amount as decimal(18,2)) as outstanding_amount,
       days_past_due,
       ${BUCKET_CASE} as aging_bucket
  from aged`;
}

export function postgresAgingSql(asOf: string): string {
  const D = dateLiteral(asOf);
  return `
drop table if exists open_items;
create table open_items as
with docs as (
  select * from invoices where document_date <= ${D}
),
targets as (
  select document_id, customer_id from docs where document_type in ('invoice', 'debit_note')
),
pays as (
  select p.payment_id, p.customer_id, p.payment_date, p.amount, p.document_id,
         t.document_id is not null as applied
    from payments p
    left join targets t on t.document_id = p.document_id and t.customer_id = p.customer_id
   where p.payment_date <= ${D}
),
credits as (
  select c.document_id, c.customer_id, c.document_type, c.document_date, c.amount, c.applies_to,
         t.document_id is not null as applied
    from docs c
    left join targets t on t.document_id = c.applies_to and t.customer_id = c.customer_id
   where c.document_type in ('credit_note', 'write_off')
),
paid as (
  select document_id, sum(amount) as amount from pays where applied group by document_id
),
credited as (
  select applies_to as document_id, sum(amount) as amount from credits where applied group by applies_to
),
${TERM_IN_FORCE.postgres.terms},
items as (
  select d.document_id, d.customer_id, d.document_type, d.document_date,
         ${DUE_DATE} as due_date,
         d.amount,
         d.amount - coalesce(pd.amount, 0) - coalesce(cr.amount, 0) as outstanding_amount
    from docs d
    ${TERM_IN_FORCE.postgres.join}
    left join paid pd on pd.document_id = d.document_id
    left join credited cr on cr.document_id = d.document_id
   where d.document_type in ('invoice', 'debit_note')
  union all
  select payment_id, min(customer_id), 'payment', min(payment_date), min(payment_date),
         sum(amount), -sum(amount)
    from pays where not applied group by payment_id
  union all
  select document_id, customer_id, document_type, document_date, document_date, amount, -amount
    from credits where not applied
),
aged as (
  select *, cast(${D} - due_date as integer) as days_past_due from items where outstanding_amount <> 0
)
select document_id, customer_id, document_type, document_date, due_date,
       cast(amount as numeric(18,2)) as amount,
       cast(outstanding_amount as numeric(18,2)) as outstanding_amount,
       days_past_due,
       ${BUCKET_CASE} as aging_bucket
  from aged;`;
}

/**
 * Per-bucket totals as exact text (decimal sums cast to text), so that the three engines can be
 * compared to the cent without going through floating point.
 */
export const TOTALS_SQL = {
  duckdb: "select aging_bucket, cast(sum(outstanding_amount) as varchar) as outstanding from open_items group by aging_bucket",
  postgres: "select aging_bucket, sum(outstanding_amount)::text as outstanding from open_items group by aging_bucket",
  arwatch: "select aging_bucket, sum(outstanding_amount) from marts.fct_open_items group by 1",
} as const;
