import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { BuildFailed } from "../../models/runner/build.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

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
async function ledger() {
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

const THB = parseConfig({ currency: "THB" });

describe("several currencies, converted at the rate in force at the as-of date", () => {
  it("converts a document's payments as running totals, so that one settled in USD is settled in THB", async () => {
    const wh = await ledger();
    await build(wh, "2024-03-31", THB);
    const payments = await byKey(wh, "select payment_id, amount::varchar as amount, amount_in_currency::varchar as usd, fx_rate::double as rate from staging.stg_payments where document_id = 'U1'", "payment_id");
    expect(payments).toEqual({
      P1: { payment_id: "P1", amount: "122.28", usd: "3.35", rate: 36.5 },
      P2: { payment_id: "P2", amount: "122.27", usd: "3.35", rate: 36.5 },
      P3: { payment_id: "P3", amount: "122.28", usd: "3.35", rate: 36.5 },
    });
    expect(await wh.all("select amount::varchar as amount, fx_rate_date from staging.stg_invoices where document_id = 'U1'")).toEqual([
      { amount: "366.83", fx_rate_date: "2024-03-29" },
    ]);
    const open = await wh.all("select document_id from marts.fct_open_items order by document_id");
    expect(open.map((r) => r.document_id)).toEqual(["P5", "T1", "U2", "V1"]);
  });

  it("keeps each open item in its currency and in THB, with the rate it was converted at", async () => {
    const wh = await ledger();
    await build(wh, "2024-03-31", THB);
    const items = await byKey(
      wh,
      `select document_id, currency, outstanding_in_currency::varchar as in_currency, outstanding_amount::varchar as thb,
              fx_rate::double as rate, fx_rate_date, aging_bucket
       from marts.fct_open_items`,
      "document_id",
    );
    expect(items).toEqual({
      U2: { document_id: "U2", currency: "USD", in_currency: "749.50", thb: "27356.75", rate: 36.5, fx_rate_date: "2024-03-29", aging_bucket: "not_due" },
      P5: { document_id: "P5", currency: "USD", in_currency: "-100.00", thb: "-3650.00", rate: 36.5, fx_rate_date: "2024-03-29", aging_bucket: "1-30" },
      V1: { document_id: "V1", currency: "VND", in_currency: "1000000.00", thb: "1437.00", rate: 0.001437, fx_rate_date: "2024-03-29", aging_bucket: "31-60" },
      T1: { document_id: "T1", currency: "THB", in_currency: "5000.00", thb: "5000.00", rate: 1, fx_rate_date: null, aging_bucket: "1-30" },
    });
  });

  it("ages per currency in a way that adds up to the aging in THB", async () => {
    const wh = await ledger();
    await build(wh, "2024-03-31", THB);
    const rows = await wh.all(
      `select currency, aging_bucket, outstanding_in_currency::varchar as in_currency, outstanding_amount::varchar as thb, open_items::integer as open_items
       from marts.rpt_aging_by_currency where open_items > 0 order by currency, bucket_order`,
    );
    expect(rows).toEqual([
      { currency: "THB", aging_bucket: "1-30", in_currency: "5000.00", thb: "5000.00", open_items: 1 },
      { currency: "USD", aging_bucket: "not_due", in_currency: "749.50", thb: "27356.75", open_items: 1 },
      { currency: "USD", aging_bucket: "1-30", in_currency: "-100.00", thb: "-3650.00", open_items: 1 },
      { currency: "VND", aging_bucket: "31-60", in_currency: "1000000.00", thb: "1437.00", open_items: 1 },
    ]);
    // Every configured bucket of every currency is there: 3 currencies × 6 buckets.
    expect(await wh.all("select count(*)::integer as n from marts.rpt_aging_by_currency")).toEqual([{ n: 18 }]);
    expect(await wh.all("select sum(outstanding_amount)::varchar as total from marts.rpt_aging_by_bucket")).toEqual([{ total: "30143.75" }]);
  });

  it("compares a credit limit given in USD with the exposure in THB", async () => {
    const wh = await ledger();
    await build(wh, "2024-03-31", THB);
    expect(await wh.all("select credit_limit::varchar as credit_limit, credit_limit_currency, credit_limit_in_currency::varchar as usd from staging.stg_customers where customer_id = 'C1'")).toEqual([
      { credit_limit: "36500.00", credit_limit_currency: "USD", usd: "1000.00" },
    ]);
    expect(await wh.all("select outstanding_amount::varchar as outstanding, available_credit::varchar as available from marts.dim_customers where customer_id = 'C1'")).toEqual([
      { outstanding: "23706.75", available: "12793.25" },
    ]);
  });

  it("rounds to whole đồng when the functional currency is VND", async () => {
    // 100.55 USD × 25,400.5 = 2,554,020.275 đồng → 2,554,020.
    const wh = await emptyWarehouse();
    await insertRaw(wh, "fx_rates", [{ rate_date: "2024-03-31", currency: "USD", rate: "25400.5" }]);
    await insertRaw(wh, "customers", [{ customer_id: "C1" }]);
    await insertRaw(wh, "invoices", [{ document_id: "I1", customer_id: "C1", document_type: "invoice", document_date: "2024-03-01", due_date: "2024-03-31", amount: "100.55", currency: "USD" }]);
    await build(wh, "2024-03-31", parseConfig({ currency: "VND" }));
    expect(await wh.all("select outstanding_amount::varchar as vnd, outstanding_in_currency::varchar as usd from marts.fct_open_items")).toEqual([{ vnd: "2554020.00", usd: "100.55" }]);
  });

  it("stops the build, naming the currency and the date, when a rate is missing or too old", async () => {
    const wh = await ledger();
    // EUR has no rate at all; USD's only rate is 2024-01-01, 90 days before the as-of date.
    await wh.run("delete from raw.fx_rates where currency = 'USD'");
    await insertRaw(wh, "fx_rates", [{ rate_date: "2024-01-01", currency: "USD", rate: "35.0" }]);
    await insertRaw(wh, "invoices", [{ document_id: "E1", customer_id: "C2", document_type: "invoice", document_date: "2024-03-01", amount: "10.00", currency: "EUR" }]);
    const failed = await build(wh, "2024-03-31", THB).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailed);
    expect((failed as BuildFailed).message).toMatch(/fx_rate_missing.*without an exchange rate on or before the as-of date/);
    const test = (failed as BuildFailed).result.tests.find((t) => t.test.name.startsWith("fx_rate_missing"))!;
    expect(test.sample).toEqual([
      { currency: "EUR", needed_on_or_before: "2024-03-31", latest_rate_found: null },
      { currency: "USD", needed_on_or_before: "2024-03-31", latest_rate_found: "2024-01-01" },
    ]);
    // Without EUR, and with a rate 90 days old allowed (fx.maxRateAgeDays: 90), USD's old rate is used.
    await wh.run("delete from raw.invoices where currency = 'EUR'");
    await build(wh, "2024-03-31", parseConfig({ currency: "THB", fx: { maxRateAgeDays: 90 } }));
    expect(await wh.all("select amount::varchar as thb from staging.stg_invoices where document_id = 'U2'")).toEqual([{ thb: "35000.00" }]);
  });
});
