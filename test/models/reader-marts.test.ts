import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { silentLogger } from "../../core/log.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { buildModels } from "../../models/runner/build.ts";
import { modelSettings } from "../../models/settings.ts";
import { emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * The marts readers show, worked by hand. As of 2024-03-31; buckets [30, 60] → not_due, 1-30,
 * 31-60, 61+; maxDebtAgeDays 45; warnAt 0.9; history 3 month-ends (2024-01-31 … 2024-03-31);
 * matrix loss rates not_due 1%, 1-30 10%, 31-60 50%, 61+ 100%.
 *
 *   A (limit 1,000, T1/Ann)  A1 invoice due 2024-01-31, 800            → 60 days, 31-60, bad debt
 *                            A2 invoice due 2024-04-19, 300            → not_due
 *                            A3 invoice due 2024-02-10, 100, paid 150  → −50, 50 days, 31-60 (over-applied)
 *   B (limit 2,000, T1/Ann)  B1 invoice due 2024-03-21, 1,800          → 10 days, 1-30
 *   C (no limit, T2/Bob,     C1 invoice 2024-03-05, no due date        → due 2024-04-04 (derived), not_due, 500
 *      term 30 days)         P1 unapplied cash 2024-03-10, 100         → −100, 21 days, 1-30
 *                            CN1 unapplied credit note 2024-03-25, 100 → −100, 6 days, 1-30
 *   D (not in the extract)   D1 invoice due 2024-03-16, 200            → 15 days, 1-30
 *
 * CN1 has no due date either, but an unapplied credit is aged from its own date: not a derived due date.
 * Outstanding 800 + 300 − 50 + 1,800 + 500 − 100 − 100 + 200 = 3,350.00 in 8 open items;
 * gross 800 + 300 + 1,800 + 500 + 200 = 3,600.00; overdue 800 + 1,800 + 200 = 2,800.00.
 * Buckets: not_due 800.00 (2), 1-30 1,800.00 (4), 31-60 750.00 (2), 61+ 0.00 (0).
 * Balances: A 1,050 > 1,000 over_limit; B 1,800 ≥ 0.9 × 2,000 near_limit; C 300 and D 200 no_limit.
 * Bad debt (> 45 days): A1 800.00, one customer. Most days past due: 60.
 * Expected credit loss: A 300 × 1% = 3.00 + 800 × 50% = 400.00; B 1,800 × 10% = 180.00;
 * C 500 × 1% = 5.00; D 200 × 10% = 20.00 → 608.00.
 * DSO at 2024-03-31: gross 3,600 ÷ March credit sales (300 + 1,800 + 500 = 2,600) × 31 = 42.92.
 *
 * Collection attempts (window from 2024-01-01): Ann: A 2024-03-05 promise of 100 by 2024-03-15,
 * nothing paid → broken; B 2024-02-20 no answer (collector from the customer). Bob: C 2024-03-08
 * promise of 100 by 2024-03-12, P1 paid 100 on 2024-03-10 → kept, 100 collected within 30 days;
 * C 2023-12-15 is before the window.
 */
const config = parseConfig({
  currency: "THB",
  aging: { buckets: [30, 60] },
  badDebt: { maxDebtAgeDays: 45 },
  history: { months: 3 },
  expectedLoss: { method: "matrix", lookbackMonths: 2, lossRates: { not_due: 0.01, "1-30": 0.1, "31-60": 0.5, "61+": 1 } },
});
const BUILT_AT = new Date("2024-04-01T01:02:03.000Z");

const invoice = (document_id: string, customer_id: string, document_date: string, due_date: string | null, amount: string) =>
  ({ document_id, customer_id, document_type: "invoice", document_date, due_date, amount, applies_to: null });

async function ledger(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [
    { customer_id: "A", customer_name: "Ayutthaya Steel", team: "T1", collector: "Ann", customer_group: "G1", credit_limit: "1000.00" },
    { customer_id: "B", customer_name: "Bien Hoa Foods", team: "T1", collector: "Ann", customer_group: "G1", credit_limit: "2000.00" },
    { customer_id: "C", customer_name: "Chiang Mai Paper", team: "T2", collector: "Bob", customer_group: "G2", credit_limit: null, credit_term_days: 30 },
  ]);
  await insertRaw(wh, "invoices", [
    invoice("A1", "A", "2024-01-01", "2024-01-31", "800.00"),
    invoice("A2", "A", "2024-03-20", "2024-04-19", "300.00"),
    invoice("A3", "A", "2024-02-01", "2024-02-10", "100.00"),
    invoice("B1", "B", "2024-03-01", "2024-03-21", "1800.00"),
    invoice("C1", "C", "2024-03-05", null, "500.00"),
    { document_id: "CN1", customer_id: "C", document_type: "credit_note", document_date: "2024-03-25", due_date: null, amount: "100.00", applies_to: null },
    invoice("D1", "D", "2024-02-15", "2024-03-16", "200.00"),
  ]);
  await insertRaw(wh, "payments", [
    { payment_id: "P1", customer_id: "C", payment_date: "2024-03-10", amount: "100.00", document_id: null },
    { payment_id: "P3", customer_id: "A", payment_date: "2024-02-20", amount: "150.00", document_id: "A3" },
  ]);
  await insertRaw(wh, "collection_attempts", [
    { attempt_id: "CA1", customer_id: "A", attempt_date: "2024-03-05", collector: "Ann", outcome: "promise_to_pay", promised_date: "2024-03-15", promised_amount: "100.00" },
    { attempt_id: "CA2", customer_id: "B", attempt_date: "2024-02-20", collector: null, outcome: "no_answer", promised_date: null, promised_amount: null },
    { attempt_id: "CA3", customer_id: "C", attempt_date: "2024-03-08", collector: "Bob", outcome: "promise_to_pay", promised_date: "2024-03-12", promised_amount: "100.00" },
    { attempt_id: "CA4", customer_id: "C", attempt_date: "2023-12-15", collector: "Bob", outcome: "no_answer", promised_date: null, promised_amount: null },
  ]);
  // The runner's generic form: settings as parameters, the raw tables prepared by the caller.
  await buildModels(wh, { asOf: "2024-03-31", ...modelSettings(config), prepare: ensureRawSchema, log: silentLogger, now: () => BUILT_AT });
  return wh;
}

describe("the marts readers show", () => {
  // One build serves every case: the cases only read.
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await ledger();
  });
  afterAll(() => wh.close());

  it("rpt_headline: the figures the summary and the overview share", async () => {
    expect(await wh.all("select * from marts.rpt_headline")).toEqual([
      {
        as_of_date: "2024-03-31",
        currency: "THB",
        aging_basis: "due_date",
        max_debt_age_days: 45,
        outstanding_amount: "3350.00",
        gross_amount: "3600.00",
        overdue_amount: "2800.00",
        open_items: "8",
        max_days_past_due: 60,
        customers: "4",
        customers_with_balance: "4",
        over_limit_customers: "1",
        near_limit_customers: "1",
        no_limit_customers: "2",
        expected_bad_debt_amount: "800.00",
        expected_bad_debt_customers: "1",
        expected_credit_loss: "608.00",
        gross_without_loss_rate: "0.00",
        dso: "42.92",
        dso_month_end: "2024-03-31",
      },
    ]);
  });

  it("rpt_aging_by_bucket: every bucket, an empty one with 0", async () => {
    expect(await wh.all("select * from marts.rpt_aging_by_bucket order by bucket_order")).toEqual([
      { bucket_order: 0, aging_bucket: "not_due", outstanding_amount: "800.00", open_items: "2" },
      { bucket_order: 1, aging_bucket: "1-30", outstanding_amount: "1800.00", open_items: "4" },
      { bucket_order: 2, aging_bucket: "31-60", outstanding_amount: "750.00", open_items: "2" },
      { bucket_order: 3, aging_bucket: "61+", outstanding_amount: "0.00", open_items: "0" },
    ]);
  });

  it("rpt_ledger_facts: what a reader should check, every fact present", async () => {
    expect(await wh.all("select fact, items, amount from marts.rpt_ledger_facts order by fact_order")).toEqual([
      { fact: "derived_due_date", items: "1", amount: "500.00" },
      { fact: "unapplied_cash", items: "1", amount: "-100.00" },
      { fact: "unapplied_credits", items: "1", amount: "-100.00" },
      { fact: "over_applied", items: "1", amount: "-50.00" },
      { fact: "no_limit_with_exposure", items: "2", amount: "500.00" },
      { fact: "not_in_customers_extract", items: "1", amount: "200.00" },
    ]);
  });

  it("rpt_collector_comparison: collectors side by side over the history window", async () => {
    expect(await wh.all("select * from marts.rpt_collector_comparison order by collector")).toEqual([
      { team: "T1", collector: "Ann", window_start: "2024-01-01", attempts: "2", customers: "2", promises_made: "1", promises_kept: "0", promises_broken: "1", collected_30d: "0.00" },
      { team: "T2", collector: "Bob", window_start: "2024-01-01", attempts: "1", customers: "1", promises_made: "1", promises_kept: "1", promises_broken: "0", collected_30d: "100.00" },
    ]);
  });

  it("rpt_build_info: what the build was made with, so readers never consult the config of the moment", async () => {
    const [info] = await wh.all("select * from marts.rpt_build_info");
    expect(info).toEqual({
      as_of_date: "2024-03-31",
      built_at: "2024-04-01T01:02:03.000Z",
      currency: "THB",
      aging_basis: "due_date",
      bucket_bounds: [30, 60],
      bucket_labels: ["not_due", "1-30", "31-60", "61+"],
      bucket_count: 4,
      max_debt_age_days: 45,
      warn_at: "0.9000",
      history_months: 3,
      history_start: "2024-01-31",
      latest_month_end: "2024-03-31",
      ecl_method: "matrix",
      ecl_lookback_months: 2,
      ecl_segment_by: "customer_group",
      ecl_forward_factor: "1.0000",
      // Method matrix: finance's rates are the loss rates, so no default definition is in force.
      ecl_loss_event: "configured",
      ecl_default_after_days: null,
      ecl_loss_given_default: null,
      // creditCheck's defaults: the build records the day counts its credit standing was summed with.
      credit_grace_days: 0,
      credit_hold_days_past_due: 60,
    });
  });
});
