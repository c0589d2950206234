// A small real warehouse for the HTTP API's tests: raw rows, a full build of the models, and the
// credit standing it publishes, as `arwatch build` does.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, type Config } from "../../core/config.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { publishStanding } from "../../credit/publish-standing.ts";
import { build, insertRaw, tempDir } from "../helpers/warehouse.ts";

/**
 * C100: limit 1,000.00, owes 100.00 (due 2024-06-30, not overdue): 900.00 of headroom, so exactly
 *       12 orders of 75.00 fit (100 + 12 × 75 = 1,000.00, at the limit, which is within it).
 * C200: limit 100.00, owes nothing: an order of 200.00 is held (over the limit).
 * C300: blocked in the extract: every order is blocked.
 * C400: limit 1,000,000.00, owes nothing: small orders are approved.
 */
export const CUSTOMERS = [
  { customer_id: "C100", customer_name: "Headroom Ltd", credit_limit: "1000.00", status: "active", currency: "USD" },
  { customer_id: "C200", customer_name: "Small Limit Co", credit_limit: "100.00", status: "active", currency: "USD" },
  { customer_id: "C300", customer_name: "Blocked Inc", credit_limit: "5000.00", status: "blocked", currency: "USD" },
  { customer_id: "C400", customer_name: "Plenty GmbH", credit_limit: "1000000.00", status: "active", currency: "USD" },
];

export interface Fixture {
  dir: string;
  db: string;
  config: Config;
  /** Builds the models as of this date and publishes the standing (a new build). */
  rebuild(asOf: string): Promise<void>;
  /** Deletes the folder (after the server using it has stopped). */
  remove(): void;
}

/** A warehouse file in a new temporary folder, built as of asOf, its standing published. */
export async function creditFixture(asOf = "2024-05-01"): Promise<Fixture> {
  const dir = tempDir("arwatch-http-");
  const db = join(dir, "wh.duckdb");
  const config = parseConfig({});
  const wh = await openWarehouse(db);
  try {
    await ensureRawSchema(wh);
    await insertRaw(wh, "customers", CUSTOMERS);
    await insertRaw(wh, "invoices", [
      { document_id: "INV100", customer_id: "C100", document_type: "invoice", document_date: "2024-04-20", due_date: "2024-06-30", amount: "100.00", currency: "USD" },
    ]);
  } finally {
    wh.close();
  }
  const rebuild = async (date: string) => {
    const w = await openWarehouse(db);
    try {
      await build(w, date, config);
      await publishStanding(w);
    } finally {
      w.close();
    }
  };
  await rebuild(asOf);
  return { dir, db, config, rebuild, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
