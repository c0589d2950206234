import { literal, openWarehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { emptyWarehouse, insertRaw } from "./warehouse.ts";

/*
 * A Thai company (functional currency THB) with customers paying in USD, VND and THB, as of
 * 2024-03-31 (README: Several currencies). Rates, THB per unit: USD 36.0 on 2024-03-28 and 36.5 on
 * 2024-03-29 (the latest on or before the as-of date: 36.5 is used); VND 0.001437 on 2024-03-29.
 *
 *   U1  USD invoice 10.05, due 2024-03-02, paid by P1, P2, P3 of 3.35 USD each: settled in USD.
 *       Converted one by one, each payment is 3.35 × 36.5 = 122.275 → 122.28, together 366.84,
 *       while U1 is 10.05 × 36.5 = 366.825 → 366.83: 0.01 THB would stay open. As running totals:
 *       P1 round(3.35 × 36.5) = 122.28; P2 round(6.70 × 36.5) = 244.55 − 122.28 = 122.27;
 *       P3 366.83 − 244.55 = 122.28; together 366.83: U1 is settled in THB too.
 *   U2  USD invoice 1,000.00, due 2024-03-31 (not due), P4 250.50 USD on 2024-03-20:
 *       749.50 USD open; in THB 36,500.00 − round(250.50 × 36.5 = 9,143.25) = 27,356.75.
 *   P5  100.00 USD unapplied on 2024-03-28 (3 days past due: 1-30): −100.00 USD, −3,650.00 THB.
 *   U4  USD invoice 10.00 due 2024-03-31 paid by P6, 365.00 THB naming it: 365.00 − 365.00 = 0
 *       THB, and in USD 10.00 − 365.00 / 36.5 = 0: settled.
 *   V1  VND invoice 1,000,000, due 2024-02-14 (46 days past due: 31-60): 1,437.00 THB.
 *   T1  THB invoice 5,000.00, due 2024-03-21 (10 days: 1-30).
 *
 * C1 (U*, P*) has a credit limit of 1,000.00 USD (its currency column) = 36,500.00 THB; its
 * outstanding is 27,356.75 − 3,650.00 = 23,706.75 THB, so 12,793.25 THB is available.
 * The aging in THB: 27,356.75 − 3,650.00 + 1,437.00 + 5,000.00 = 30,143.75.
 */
export async function multiCurrencyLedger() {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "fx_rates", [
    { rate_date: "2024-03-28", currency: "USD", rate: "36.0" },
    { rate_date: "2024-03-29", currency: "USD", rate: "36.5" },
    { rate_date: "2024-03-29", currency: "VND", rate: "0.001437" },
    // After the as-of date: never used.
    { rate_date: "2024-04-01", currency: "USD", rate: "40.0" },
  ]);
  await insertRaw(wh, "customers", [
    { customer_id: "C1", customer_group: "Export", credit_limit: "1000.00", currency: "USD" },
    { customer_id: "C2", customer_group: "Local" },
  ]);
  const invoice = (document_id: string, customer_id: string, currency: string | null, amount: string, document_date: string, due_date: string) => ({
    document_id, customer_id, document_type: "invoice", document_date, due_date, amount, currency,
  });
  await insertRaw(wh, "invoices", [
    invoice("U1", "C1", "USD", "10.05", "2024-02-01", "2024-03-02"),
    invoice("U2", "C1", "USD", "1000.00", "2024-03-01", "2024-03-31"),
    invoice("U4", "C1", "USD", "10.00", "2024-03-01", "2024-03-31"),
    invoice("V1", "C2", "VND", "1000000", "2024-01-15", "2024-02-14"),
    invoice("T1", "C2", null, "5000.00", "2024-02-20", "2024-03-21"),
  ]);
  const payment = (payment_id: string, currency: string, amount: string, payment_date: string, document_id: string | null) => ({
    payment_id, customer_id: "C1", payment_date, amount, currency, document_id,
  });
  await insertRaw(wh, "payments", [
    payment("P1", "USD", "3.35", "2024-03-05", "U1"),
    payment("P2", "USD", "3.35", "2024-03-10", "U1"),
    payment("P3", "USD", "3.35", "2024-03-15", "U1"),
    payment("P4", "USD", "250.50", "2024-03-20", "U2"),
    payment("P5", "USD", "100.00", "2024-03-28", null),
    payment("P6", "THB", "365.00", "2024-03-30", "U4"),
  ]);
  return wh;
}

/** The worked ledger written into a warehouse file, for the tests that build it with the CLI. */
export async function writeMultiCurrencyLedger(db: string): Promise<void> {
  const ledger = await multiCurrencyLedger();
  await ledger.run(`attach ${literal(db)} as target`);
  await ledger.run("copy from database memory to target");
  await ledger.run("detach target");
  ledger.close();
}

/** A ledger in the functional currency (THB) only: C2's T1 5,000.00 and T2 1,000.00, T2 with its currency spelt out. */
export async function writeThbOnlyLedger(db: string): Promise<void> {
  const wh = await openWarehouse(db);
  await ensureRawSchema(wh);
  await insertRaw(wh, "customers", [{ customer_id: "C2", customer_group: "Local" }]);
  await insertRaw(wh, "invoices", [
    { document_id: "T1", customer_id: "C2", document_type: "invoice", document_date: "2024-02-20", due_date: "2024-03-21", amount: "5000.00" },
    { document_id: "T2", customer_id: "C2", document_type: "invoice", document_date: "2024-02-25", due_date: "2024-03-25", amount: "1000.00", currency: "THB" },
  ]);
  wh.close();
}
