import type { Warehouse } from "../core/warehouse.ts";
import { EXAMPLES_PER_PROBLEM, type RowProblem } from "./validate.ts";

/**
 * A payment belongs to one customer: the models key unapplied cash and applications by
 * payment_id, and a payment id with two customers fails the build's uniqueness tests. Since a
 * file's rows of a payment replace all its earlier rows (see replace.ts), a file's rows of a
 * payment are that payment's whole state after the load, so checking them here checks the
 * would-be warehouse before anything is committed. A payment may move to another customer by
 * restating all its rows; what a file may not do is give one payment id two customers.
 * The row reported is every row whose customer differs from the payment's first row.
 */
export async function paymentCustomerProblems(wh: Warehouse, typedTable: string): Promise<RowProblem[]> {
  // min <> max is one cheap aggregate over the file; the examples are looked up only when it finds some.
  const [found] = await wh.all<{ rows: string | null }>(
    `select sum(n) as rows
       from (select count(*) filter (where customer_id <> first_customer) as n
               from (select customer_id, arg_min(customer_id, _row) over (partition by payment_id) as first_customer
                       from ${typedTable}
                      where _bad = 0 and payment_id in (
                        select payment_id from ${typedTable} where _bad = 0
                         group by payment_id having min(customer_id) <> max(customer_id))))`,
  );
  const total = Number(found?.rows ?? 0);
  if (total === 0) return [];
  const examples = await wh.all<{ row: string; payment_id: string; customer_id: string; first_customer: string; first_row: string }>(
    `select _row as row, payment_id, customer_id, first_customer, first_row
       from (select _row, payment_id, customer_id,
                    arg_min(customer_id, _row) over (partition by payment_id) as first_customer,
                    min(_row) over (partition by payment_id) as first_row
               from ${typedTable} where _bad = 0)
      where customer_id <> first_customer
      order by _row limit ${EXAMPLES_PER_PROBLEM}`,
  );
  const problems: RowProblem[] = examples.map((e) => ({
    reason: `payment_id ${JSON.stringify(e.payment_id)} is also given to customer ${JSON.stringify(e.first_customer)}: a payment belongs to one customer`,
    column: "customer_id",
    rows: [Number(e.row)],
    values: [e.customer_id],
    firstRows: [Number(e.first_row)],
    count: 1,
  }));
  if (total > examples.length) {
    // No example rows: describeProblems then prints only the count line.
    problems.push({ reason: "a payment_id given to more than one customer", column: "customer_id", rows: [], values: [], count: total });
  }
  return problems;
}
