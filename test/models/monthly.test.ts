import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * Worked by hand, as of 2024-04-30, history of 5 month-ends (2023-12-31 … 2024-04-30).
 *   C1 (team North): INV1 2024-02-29, 1,200, due 2024-03-30; PAY1 500 on 2024-03-30 (the due date: on time);
 *                    CN1 100 on 2024-03-15 against INV1; INV2 2024-03-31, 800, due 2024-04-30.
 *   C2 (team South): INV3 2023-12-31, 2,500.50, due 2024-01-30; PAY2 300 unapplied on 2024-04-15.
 *   C3 (team South): DN1 2024-04-01, 10, due 2024-04-01.
 * Gross receivable at month-ends: Dec 2,500.50 (not due) · Jan 2,500.50 · Feb 3,700.50 · Mar 3,900.50 · Apr 3,910.50.
 * Credit sales: Dec 2,500.50 · Jan 0 · Feb 1,200 · Mar 800 · Apr 10. Current (not due): Mar 800 (INV2) · Apr 800 (INV2 due today).
 *
 * March 2024 (31 days): DSO = 3,900.50 ÷ 800 × 31 = 151.14; BPDSO = 800 ÷ 800 × 31 = 31; ADD = 120.14;
 *   countback: March 800 < 3,900.50 → 31 days, 3,100.50 left; February 1,200 → 29 days, 1,900.50 left;
 *   January has no sales → 31 days; December 2,500.50 covers the rest → 1,900.50 ÷ 2,500.50 × 31 = 23.56 → 114.56;
 *   CEI = (3,700.50 + 800 − 3,900.50) ÷ (3,700.50 + 800 − 800) × 100 = 600 ÷ 3,700.50 × 100 = 16.21;
 *   percent current = 800 ÷ 3,900.50 × 100 = 20.51.
 * January 2024: no credit sales → DSO null; countback: January 31 days + December 2,500.50 ÷ 2,500.50 × 31 → 62.
 * December 2023 is the first month of the history: no opening receivable → CEI null.
 */
async function ledger(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [
    { customer_id: "C1", team: "North", collector: "Lan", customer_group: "Wholesale", credit_term_days: 30 },
    { customer_id: "C2", team: "South", collector: "Minh", customer_group: "Retail", credit_term_days: 30 },
    { customer_id: "C3", team: "South", collector: "Minh", customer_group: "Retail", credit_term_days: 0 },
  ]);
  const doc = (document_id: string, customer_id: string, document_type: string, document_date: string, due_date: string | null, amount: string, applies_to: string | null = null) =>
    ({ document_id, customer_id, document_type, document_date, due_date, amount, applies_to });
  await insertRaw(wh, "invoices", [
    doc("INV1", "C1", "invoice", "2024-02-29", "2024-03-30", "1200.00"),
    doc("INV2", "C1", "invoice", "2024-03-31", "2024-04-30", "800.00"),
    doc("CN1", "C1", "credit_note", "2024-03-15", null, "100.00", "INV1"),
    doc("INV3", "C2", "invoice", "2023-12-31", "2024-01-30", "2500.50"),
    doc("DN1", "C3", "debit_note", "2024-04-01", "2024-04-01", "10.00"),
  ]);
  await insertRaw(wh, "payments", [
    { payment_id: "PAY1", customer_id: "C1", payment_date: "2024-03-30", amount: "500.00", document_id: "INV1" },
    { payment_id: "PAY2", customer_id: "C2", payment_date: "2024-04-15", amount: "300.00", document_id: null },
  ]);
  await insertRaw(wh, "collection_attempts", [
    // C2 is called in March and promises to pay by 2024-04-20: under follow-up in March (a call) and at the
    // end of March (an open promise); in April neither (no call, the promise fell due before the month-end).
    { attempt_id: "A1", customer_id: "C2", document_id: "INV3", attempt_date: "2024-03-12", collector: "Minh", channel: "phone", outcome: "promise_to_pay", reason: "cash_flow", promised_date: "2024-04-20", promised_amount: "1000.00" },
  ]);
  return wh;
}

describe("rpt_kpis_monthly", () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await ledger();
    await build(wh, "2024-04-30", parseConfig({ history: { months: 5 }, expectedLoss: { lookbackMonths: 3 } }));
  });
  afterAll(() => wh.close());

  it("computes DSO, countback DSO over months of different lengths, BPDSO, ADD, CEI and percent current", async () => {
    const k = await byKey(wh, "select month_end, dso, dso_countback, bpdso, add_days, cei, pct_current from marts.rpt_kpis_monthly", "month_end");
    expect(k["2024-03-31"]).toEqual({ month_end: "2024-03-31", dso: "151.14", dso_countback: "114.56", bpdso: "31.00", add_days: "120.14", cei: "16.21", pct_current: "20.51" });
    expect(k["2024-01-31"]).toMatchObject({ dso: null, dso_countback: "62.00", bpdso: null });
    expect(k["2023-12-31"]).toMatchObject({ cei: null });
  });

  it("gives the same KPIs per team, and the teams' receivables add up to the company's", async () => {
    const rows = await wh.all(`select level_value, receivable, credit_sales, dso from marts.rpt_kpis_monthly_by_level
                                where level = 'team' and month_end = '2024-03-31' order by level_value`);
    // North (C1): INV1 600 + INV2 800 = 1,400 receivable, 800 sales → 1,400 ÷ 800 × 31 = 54.25. South (C2): 2,500.50, no sales.
    expect(rows).toEqual([
      { level_value: "North", receivable: "1400.00", credit_sales: "800.00", dso: "54.25" },
      { level_value: "South", receivable: "2500.50", credit_sales: "0.00", dso: null },
    ]);
  });
});

describe("rpt_monthly_status", () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await ledger();
    await build(wh, "2024-04-30", parseConfig({ history: { months: 5 }, expectedLoss: { lookbackMonths: 3 }, badDebt: { maxDebtAgeDays: 60 } }));
  });
  afterAll(() => wh.close());

  it("shows outstanding, the part under follow-up, overdue, bad debt, collected and invoiced per month", async () => {
    const company = await byKey(
      wh,
      `select month_end, outstanding_amount, gross_amount, under_follow_up_amount, follow_up_ratio, overdue_amount,
              expected_bad_debt_amount, collected_amount, invoiced_amount, follow_ups
         from marts.rpt_monthly_status where level = 'company'`,
      "month_end",
    );
    // March: C2's 2,500.50 is under follow-up (a call) out of 3,900.50 → 0.6411; overdue: INV1 600 (1 day) + INV3 2,500.50 (61 days);
    // bad debt (> 60 days): INV3; collected PAY1 500; invoiced INV2 800.
    expect(company["2024-03-31"]).toEqual({
      month_end: "2024-03-31", outstanding_amount: "3900.50", gross_amount: "3900.50", under_follow_up_amount: "2500.50",
      follow_up_ratio: "0.6411", overdue_amount: "3100.50", expected_bad_debt_amount: "2500.50", collected_amount: "500.00",
      invoiced_amount: "800.00", follow_ups: 1,
    });
    // April: net 3,910.50 − PAY2 300 unapplied = 3,610.50; nobody under follow-up; collected PAY2 300; invoiced DN1 10.
    expect(company["2024-04-30"]).toMatchObject({ outstanding_amount: "3610.50", gross_amount: "3910.50", under_follow_up_amount: "0.00", collected_amount: "300.00", invoiced_amount: "10.00", follow_ups: 0 });
  });
});
