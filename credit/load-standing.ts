import { existsSync } from "node:fs";
import { openWarehouse } from "../core/warehouse.ts";
import { centsFromText, centsText, customerFromJson, standingJsonSql, type BuildStamp, type CustomerStanding, type KnownOrder, type Standing } from "./standing.ts";

const CUSTOMERS_A_STATEMENT = 16_384;

/** Thrown when no build has published a standing yet. */
export class NoStanding extends Error {
  constructor(readonly path: string) {
    super(`no credit standing at ${path}: run arwatch build (or arwatch run) first; each build publishes it`);
    this.name = "NoStanding";
  }
}

/**
 * Reads a published standing into memory: a few set-based queries on a file no build writes in
 * place (a build renames a new one over it), opened read-only and closed again at once.
 * `onlyCustomer`: that customer alone (one check from the command line: reading 100,000 customers
 * to answer for one took most of its time); every known order is still read, as a check of an
 * order another customer placed is refused.
 */
export async function loadStanding(path: string, options: { onlyCustomer?: string } = {}): Promise<Standing> {
  if (!existsSync(path)) throw new NoStanding(path);
  const file = await openWarehouse(path, { readOnly: true });
  try {
    const [build] = await file.all<{
      as_of_date: string;
      built_at: string;
      currency: string;
      warn_at: string;
      max_debt_age_days: number;
      credit_grace_days: number;
      credit_hold_days_past_due: number;
      last_ingest_at: string | null;
    }>("select * from build");
    if (!build) throw new Error(`${path}: the credit standing names no build`);
    // A server reloads while it answers: the customers are read and converted a part at a time, so
    // that no request waits for the whole standing (100,000 customers). A statement's result reaches
    // JS in one piece (up to 2,048 rows, here JSON text of 2,048 customers each), so each statement
    // reads a range of 16,384 customers, and each row of JSON is parsed in a turn of its own.
    const customers = new Map<string, CustomerStanding>();
    const only = options.onlyCustomer;
    const ranges: { where: string; params?: string[] }[] = [];
    if (only !== undefined) ranges.push({ where: "where customer_id = $1", params: [only] });
    else {
      const [{ rows }] = (await file.all<{ rows: number }>("select (coalesce(max(rowid), -1) + 1)::integer as rows from customers")) as [{ rows: number }];
      for (let from = 0; from < rows; from += CUSTOMERS_A_STATEMENT) ranges.push({ where: `where rowid >= ${from} and rowid < ${from + CUSTOMERS_A_STATEMENT}` });
    }
    for (const range of ranges) {
      for await (const rows of file.batches<{ customers: string }>(standingJsonSql(range.where), range.params)) {
        for (const row of rows) {
          for (const fields of JSON.parse(row.customers) as (string | null)[][]) customers.set(fields[0]!, customerFromJson(fields));
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    }
    const orders = new Map<string, KnownOrder>();
    const orderSql = `select order_id, customer_id, ${centsText("open_unbilled_amount")} as open_unbilled_amount from known_orders`;
    for await (const rows of file.batches<{ order_id: string; customer_id: string; open_unbilled_amount: string | null }>(orderSql)) {
      for (const o of rows) orders.set(o.order_id, { customerId: o.customer_id, openUnbilled: centsFromText(o.open_unbilled_amount) });
    }
    const stamp: BuildStamp = {
      asOfDate: build.as_of_date,
      builtAt: build.built_at,
      lastIngestAt: build.last_ingest_at,
      currency: build.currency,
      warnAt: String(build.warn_at),
      maxDebtAgeDays: build.max_debt_age_days,
      graceDays: build.credit_grace_days,
      holdDaysPastDue: build.credit_hold_days_past_due,
    };
    return { build: stamp, customers, orders };
  } finally {
    file.close();
  }
}
