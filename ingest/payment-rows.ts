import type { Warehouse } from "../core/warehouse.ts";
import { ident, literal } from "../core/warehouse.ts";
import { EXAMPLES_PER_PROBLEM, type RowProblem } from "./validate.ts";

/**
 * What every row of one payment must share: the models treat a payment as one receipt of one
 * customer on one date in one currency (unapplied cash is one open item per payment), so a payment id with two
 * customers or two dates fails the build's uniqueness tests.
 */
const SHARED = [
  { column: "customer_id", value: "customer_id", what: "customer", rule: "a payment belongs to one customer" },
  { column: "payment_date", value: "payment_date", what: "payment_date", rule: "a payment has one date" },
  // Unapplied cash is one open item per payment, in the payment's currency (README: Several
  // currencies). Empty is the functional currency ($functional: the configured currency).
  { column: "currency", value: "coalesce(currency, $functional)", what: "currency", rule: "a payment is in one currency" },
] as const;

/**
 * Checks that each payment's rows in a file share one customer, one date and one currency. A file's rows of a
 * payment replace all its earlier rows (see replace.ts), so they are that payment's whole state
 * after the load: checking them checks the would-be warehouse before anything is committed. A
 * payment may move to another customer or date by restating all its rows. Every row that differs
 * from the payment's first row is reported, with the first row's value and line.
 */
export async function paymentRowProblems(wh: Warehouse, typedTable: string, functionalCurrency: string): Promise<RowProblem[]> {
  // What is compared (an empty currency is the functional one); the rows show the values as written.
  const compared = (s: (typeof SHARED)[number]) => s.value.replace("$functional", literal(functionalCurrency));
  // min <> max is one cheap aggregate over the file; the rows are looked at only when it finds some.
  const differing = SHARED.map((s) => `min(${compared(s)}) <> max(${compared(s)})`).join(" or ");
  const firsts = SHARED.map(
    (s) => `arg_min(${ident(s.column)}, _row) over (partition by payment_id) as first_${s.column}, arg_min(${compared(s)}, _row) over (partition by payment_id) as first_compared_${s.column}`,
  ).join(", ");
  await wh.run(
    `create or replace temp table _payment_rows as
     select _row, payment_id, ${SHARED.map((s) => `${ident(s.column)}, ${compared(s)} as compared_${s.column}`).join(", ")}, ${firsts}, min(_row) over (partition by payment_id) as first_row
       from ${typedTable}
      where _bad = 0 and payment_id in (select payment_id from ${typedTable} where _bad = 0 group by payment_id having ${differing})`,
  );
  try {
    const problems: RowProblem[] = [];
    for (const s of SHARED) {
      const column = ident(s.column);
      const [{ n }] = (await wh.all<{ n: string }>(`select count(*) as n from _payment_rows where compared_${s.column} <> first_compared_${s.column}`)) as [{ n: string }];
      const total = Number(n);
      if (total === 0) continue;
      const examples = await wh.all<{ row: string; payment_id: string; value: string; first: string; first_row: string }>(
        `select _row as row, payment_id, ${column}::varchar as value, first_${s.column}::varchar as first, first_row
           from _payment_rows where compared_${s.column} <> first_compared_${s.column} order by _row limit ${EXAMPLES_PER_PROBLEM}`,
      );
      for (const e of examples) {
        problems.push({
          reason: `payment_id ${JSON.stringify(e.payment_id)} already has ${s.what} ${e.first === null ? "(empty)" : JSON.stringify(e.first)}: ${s.rule}`,
          column: s.column,
          rows: [Number(e.row)],
          values: [e.value],
          firstRows: [Number(e.first_row)],
          count: 1,
        });
      }
      // No example rows: describeProblems then prints only the count line.
      if (total > examples.length) problems.push({ reason: s.rule, column: s.column, rows: [], values: [], count: total });
    }
    return problems;
  } finally {
    await wh.run("drop table if exists _payment_rows");
  }
}
