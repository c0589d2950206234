import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { BuildFailed } from "../../models/runner/build.ts";
import { multiCurrencyLedger } from "../helpers/multi-currency-ledger.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

// The worked ledger (a THB company with USD, VND and THB items) is written out in the helper.
const THB = parseConfig({ currency: "THB" });

describe("several currencies, converted at the rate in force at the as-of date", () => {
  it("converts a document's payments as running totals, so that one settled in USD is settled in THB", async () => {
    const wh = await multiCurrencyLedger();
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
    const wh = await multiCurrencyLedger();
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
    const wh = await multiCurrencyLedger();
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
    const wh = await multiCurrencyLedger();
    await build(wh, "2024-03-31", THB);
    expect(await wh.all("select credit_limit::varchar as credit_limit, credit_limit_currency, credit_limit_in_currency::varchar as usd from staging.stg_customers where customer_id = 'C1'")).toEqual([
      { credit_limit: "36500.00", credit_limit_currency: "USD", usd: "1000.00" },
    ]);
    expect(await wh.all("select outstanding_amount::varchar as outstanding, available_credit::varchar as available from marts.dim_customers where customer_id = 'C1'")).toEqual([
      { outstanding: "23706.75", available: "12793.25" },
    ]);
  });

  it("leaves out of a document's running totals a payment of another customer that names it", async () => {
    // X1 (C1) 10.05 USD paid by C1 in three payments of 3.35 on 03-05, 03-10, 03-15: 122.28, 122.27,
    // 122.28 = 366.83, X1's own 10.05 × 36.5. C2's 3.35 USD of 03-01 names X1 too but cannot pay it
    // (another customer's document): counted among X1's running totals it would come first, and C1's
    // three would be 244.55 − 122.28, 366.83 − 244.55 and 489.10 − 366.83 = 366.82, leaving 0.01 open.
    const wh = await emptyWarehouse();
    await insertRaw(wh, "fx_rates", [{ rate_date: "2024-03-29", currency: "USD", rate: "36.5" }]);
    await insertRaw(wh, "customers", [{ customer_id: "C1" }, { customer_id: "C2" }]);
    await insertRaw(wh, "invoices", [{ document_id: "X1", customer_id: "C1", document_type: "invoice", document_date: "2024-02-01", due_date: "2024-03-02", amount: "10.05", currency: "USD" }]);
    await insertRaw(wh, "payments", [
      { payment_id: "Q0", customer_id: "C2", payment_date: "2024-03-01", amount: "3.35", currency: "USD", document_id: "X1" },
      { payment_id: "Q1", customer_id: "C1", payment_date: "2024-03-05", amount: "3.35", currency: "USD", document_id: "X1" },
      { payment_id: "Q2", customer_id: "C1", payment_date: "2024-03-10", amount: "3.35", currency: "USD", document_id: "X1" },
      { payment_id: "Q3", customer_id: "C1", payment_date: "2024-03-15", amount: "3.35", currency: "USD", document_id: "X1" },
    ]);
    await build(wh, "2024-03-31", THB);
    expect(await wh.all("select document_id, customer_id, outstanding_amount::varchar as thb from marts.fct_open_items order by document_id")).toEqual([
      { document_id: "Q0", customer_id: "C2", thb: "-122.28" },
    ]);
  });

  it("rounds what a payment in another currency pays of a document half away from zero", async () => {
    // A VND company, USD at 25,400: invoice H1 2.00 USD = 50,800 VND; a VND payment of 25,527 names it,
    // exactly 25,527 ÷ 25,400 = 1.005 USD → 1.01 (a double gives 1.00499…, which would round to 1.00).
    // Open: 2.00 − 1.01 = 0.99 USD; 50,800 − 25,527 = 25,273 VND.
    const wh = await emptyWarehouse();
    await insertRaw(wh, "fx_rates", [{ rate_date: "2024-03-31", currency: "USD", rate: "25400" }]);
    await insertRaw(wh, "customers", [{ customer_id: "C1" }]);
    await insertRaw(wh, "invoices", [{ document_id: "H1", customer_id: "C1", document_type: "invoice", document_date: "2024-03-01", due_date: "2024-03-31", amount: "2.00", currency: "USD" }]);
    await insertRaw(wh, "payments", [{ payment_id: "V9", customer_id: "C1", payment_date: "2024-03-20", amount: "25527", currency: "VND", document_id: "H1" }]);
    await build(wh, "2024-03-31", parseConfig({ currency: "VND" }));
    expect(await wh.all("select outstanding_in_currency::varchar as usd, outstanding_amount::varchar as vnd from marts.fct_open_items")).toEqual([{ usd: "0.99", vnd: "25273.00" }]);
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
    const wh = await multiCurrencyLedger();
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

/*
 * fx.rateDate: document_date, a THB company. USD rates: 35.0 on 2024-01-31, 36.0 on 2024-02-29,
 * 36.5 on 2024-03-29. As of 2024-03-31:
 *   D1  USD invoice 100.00 of 2024-02-01: at 35.0 (2024-01-31) = 3,500.00 THB; P7 pays 40.00 USD of
 *       it on 2024-03-05, at D1's rate 35.0 = 1,400.00 THB: 60.00 USD = 2,100.00 THB open.
 *   D2  USD invoice 50.00 of 2024-03-01: at 36.0 (2024-02-29) = 1,800.00 THB.
 *   P8  10.00 USD unapplied on 2024-03-30: at 36.5 (2024-03-29) = −365.00 THB.
 * USD open: 60.00 + 50.00 − 10.00 = 100.00 USD = 2,100.00 + 1,800.00 − 365.00 = 3,535.00 THB, at
 * three rates: rpt_aging_by_currency has no single rate for USD.
 */
describe("several currencies, each document converted at its own date's rate (fx.rateDate: document_date)", () => {
  const config = parseConfig({ currency: "THB", fx: { rateDate: "document_date" } });

  async function documentDated() {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "fx_rates", [
      { rate_date: "2024-01-31", currency: "USD", rate: "35.0" },
      { rate_date: "2024-02-29", currency: "USD", rate: "36.0" },
      { rate_date: "2024-03-29", currency: "USD", rate: "36.5" },
    ]);
    await insertRaw(wh, "customers", [{ customer_id: "C1" }]);
    await insertRaw(wh, "invoices", [
      { document_id: "D1", customer_id: "C1", document_type: "invoice", document_date: "2024-02-01", due_date: "2024-03-02", amount: "100.00", currency: "USD" },
      { document_id: "D2", customer_id: "C1", document_type: "invoice", document_date: "2024-03-01", due_date: "2024-03-31", amount: "50.00", currency: "USD" },
    ]);
    await insertRaw(wh, "payments", [
      { payment_id: "P7", customer_id: "C1", payment_date: "2024-03-05", amount: "40.00", currency: "USD", document_id: "D1" },
      { payment_id: "P8", customer_id: "C1", payment_date: "2024-03-30", amount: "10.00", currency: "USD", document_id: null },
    ]);
    return wh;
  }

  it("converts a document and what pays it at the document's date, unapplied cash at its own", async () => {
    const wh = await documentDated();
    await build(wh, "2024-03-31", config);
    const items = await byKey(wh, "select document_id, outstanding_in_currency::varchar as usd, outstanding_amount::varchar as thb, fx_rate::double as rate, fx_rate_date from marts.fct_open_items", "document_id");
    expect(items).toEqual({
      D1: { document_id: "D1", usd: "60.00", thb: "2100.00", rate: 35, fx_rate_date: "2024-01-31" },
      D2: { document_id: "D2", usd: "50.00", thb: "1800.00", rate: 36, fx_rate_date: "2024-02-29" },
      P8: { document_id: "P8", usd: "-10.00", thb: "-365.00", rate: 36.5, fx_rate_date: "2024-03-29" },
    });
    expect(await wh.all("select amount::varchar as thb from staging.stg_payments where payment_id = 'P7'")).toEqual([{ thb: "1400.00" }]);
    expect(
      await wh.all("select sum(outstanding_in_currency)::varchar as usd, sum(outstanding_amount)::varchar as thb, any_value(fx_rate) as rate from marts.rpt_aging_by_currency where currency = 'USD'"),
    ).toEqual([{ usd: "100.00", thb: "3535.00", rate: null }]);
  });

  it("converts a prepayment for a document not yet raised at its own date's rate, and a later document needs no rate yet", async () => {
    // As of 2024-03-31: P9 pays 20.00 USD on 2024-03-10 for D9, an invoice raised 2024-06-15. P9 waits
    // as unapplied cash at its own date's rate, the latest on or before 03-10: 36.0 of 2024-02-29
    // (10 days old), so −720.00 THB (not D9's date's). D9 is after the as-of date: the build needs no
    // rate for it (the latest, of 03-29, is 78 days older than 06-15).
    const wh = await documentDated();
    await insertRaw(wh, "invoices", [{ document_id: "D9", customer_id: "C1", document_type: "invoice", document_date: "2024-06-15", due_date: "2024-07-15", amount: "20.00", currency: "USD" }]);
    await insertRaw(wh, "payments", [{ payment_id: "P9", customer_id: "C1", payment_date: "2024-03-10", amount: "20.00", currency: "USD", document_id: "D9" }]);
    await build(wh, "2024-03-31", config);
    expect(await wh.all("select outstanding_in_currency::varchar as usd, outstanding_amount::varchar as thb, fx_rate_date from marts.fct_open_items where document_id = 'P9'")).toEqual([
      { usd: "-20.00", thb: "-720.00", fx_rate_date: "2024-02-29" },
    ]);
  });

  it("stops the build naming the currency and the dates without a rate", async () => {
    const wh = await documentDated();
    // 2023-06-01 has no USD rate on or before it at all; the as-of date's rate is not asked for.
    await insertRaw(wh, "invoices", [{ document_id: "D0", customer_id: "C1", document_type: "invoice", document_date: "2023-06-01", amount: "5.00", currency: "USD" }]);
    const failed = await build(wh, "2024-03-31", config).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailed);
    const test = (failed as BuildFailed).result.tests.find((t) => t.failures > 0)!;
    expect(test.test.name).toBe("fx_rate_missing_on_date__stg_fx_amounts");
    expect(test.sample).toEqual([{ currency: "USD", first_date_without_rate: "2023-06-01", last_date_without_rate: "2023-06-01", rows: "1" }]);
  });
});
