import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * A worked example, as of 2024-03-31 (2024 is a leap year). Every expected figure below was
 * computed by hand from the definitions in the README, not from running the models.
 *
 * C1 (limit 1,100, term 30)
 *   A0    invoice 2024-03-01 due 2024-03-31  100.00            → 0 days past due  → not_due
 *   A30   invoice 2024-02-01 due 2024-03-01  200.00 − P1 80    → 30 days          → 1-30, 120.00
 *   A31   invoice 2024-01-31 due 2024-02-29  300.00 (P2 paid 2024-04-02, after the as-of date) → 31 → 31-60
 *   A120  invoice 2023-11-02 due 2023-12-02  250.00            → 120 days         → 91-120
 *   A121  invoice 2023-11-01 due 2023-12-01  400.00 − CN1 50   → 121 days         → 121+, 350.00
 *   F1    invoice 2024-01-05 70.00 fully paid by P4            → not open
 *   AF    invoice 2024-04-05 999.00, dated after the as-of date → not counted
 *   CNF   credit note 2024-04-01 on A0, after the as-of date   → not counted
 *   P3    unapplied cash 2024-03-20 60.00                      → −60.00, 11 days  → 1-30
 *   net 100 + 120 + 300 + 250 + 350 − 60 = 1,060; overdue (positive items past due) 120 + 300 + 250 + 350 = 1,020
 *   utilisation 1,060 / 1,100 = 0.96363… → 0.9636 ≥ 0.9 → near_limit; available 40.00
 * C2 (no limit set, term 30)
 *   M1    invoice 2024-02-15, no due date → due 2024-02-15 + 30 = 2024-03-16 → 15 days → 1-30, 500.00
 *   CN2   credit note 2024-03-30 without applies_to → unapplied, −20.00, 1 day → 1-30
 *   P5    payment 2024-03-25 naming A0, which is C1's → unapplied for C2, −10.00, 6 days → 1-30
 *   net 470.00, no_limit
 * C3 (limit 0, nothing open) → exposure 0 → ok
 * C4 (limit 500, term 10 in the customers extract; credit_limits: 2,000 / 45 days from 2024-03-01, 9,999 from 2024-04-15)
 *   D4    invoice 2024-02-20, no due date, term in force then = 10 → due 2024-03-01 → 30 days → 1-30, 1,500.00
 *   D5    invoice 2024-03-05, no due date, term in force then = 45 → due 2024-04-19 → −19 → not_due, 600.00
 *   SO1   open order 100.00 → exposure 2,200 > limit in force 2,000 → over_limit, utilisation 1.1000, available −200.00
 * C5 (limit 0) invoice Z1 2024-03-25 due 2024-04-24 10.00 → exposure 10 > 0 → over_limit, utilisation null
 */
const customers = [
  { customer_id: "C1", customer_name: "Acme", customer_group: "Retail", team: "North", collector: "Lan", credit_limit: "1100.00", credit_term_days: 30 },
  { customer_id: "C2", customer_name: "Bee", customer_group: "Retail", team: "North", collector: "Lan", credit_limit: null, credit_term_days: 30 },
  { customer_id: "C3", customer_name: "Cee", customer_group: "Export", team: "South", collector: "Minh", credit_limit: "0", credit_term_days: 15 },
  { customer_id: "C4", customer_name: "Dee", customer_group: "Export", team: "South", collector: "Minh", credit_limit: "500", credit_term_days: 10 },
  { customer_id: "C5", customer_name: "Eee", customer_group: "Export", team: "South", collector: "Minh", credit_limit: "0", credit_term_days: 30 },
];
const doc = (document_id: string, customer_id: string, document_type: string, document_date: string, due_date: string | null, amount: string, applies_to: string | null = null) =>
  ({ document_id, customer_id, document_type, document_date, due_date, amount, applies_to });
const invoices = [
  doc("A0", "C1", "invoice", "2024-03-01", "2024-03-31", "100.00"),
  doc("A30", "C1", "invoice", "2024-02-01", "2024-03-01", "200.00"),
  doc("A31", "C1", "invoice", "2024-01-31", "2024-02-29", "300.00"),
  doc("A120", "C1", "invoice", "2023-11-02", "2023-12-02", "250.00"),
  doc("A121", "C1", "invoice", "2023-11-01", "2023-12-01", "400.00"),
  doc("F1", "C1", "invoice", "2024-01-05", "2024-02-04", "70.00"),
  doc("AF", "C1", "invoice", "2024-04-05", "2024-05-05", "999.00"),
  doc("CN1", "C1", "credit_note", "2024-03-10", null, "50.00", "A121"),
  doc("CNF", "C1", "credit_note", "2024-04-01", null, "50.00", "A0"),
  doc("M1", "C2", "invoice", "2024-02-15", null, "500.00"),
  doc("CN2", "C2", "credit_note", "2024-03-30", null, "20.00"),
  doc("D4", "C4", "invoice", "2024-02-20", null, "1500.00"),
  doc("D5", "C4", "invoice", "2024-03-05", null, "600.00"),
  doc("Z1", "C5", "invoice", "2024-03-25", "2024-04-24", "10.00"),
];
const pay = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id, payment_date, amount, document_id });
const payments = [
  pay("P1", "C1", "2024-03-15", "80.00", "A30"),
  pay("P2", "C1", "2024-04-02", "300.00", "A31"),
  pay("P3", "C1", "2024-03-20", "60.00", null),
  pay("P4", "C1", "2024-01-20", "70.00", "F1"),
  pay("P5", "C2", "2024-03-25", "10.00", "A0"),
];
const creditLimits = [
  { customer_id: "C4", effective_date: "2024-03-01", credit_limit: "2000.00", credit_term_days: 45 },
  { customer_id: "C4", effective_date: "2024-04-15", credit_limit: "9999.00", credit_term_days: 60 },
];
const salesOrders = [{ order_id: "SO1", customer_id: "C4", order_date: "2024-03-28", unbilled_amount: "100.00" }];

async function seeded(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", customers);
  await insertRaw(wh, "invoices", invoices);
  await insertRaw(wh, "payments", payments);
  await insertRaw(wh, "credit_limits", creditLimits);
  await insertRaw(wh, "sales_orders", salesOrders);
  return wh;
}

describe("marts.fct_open_items as of 2024-03-31", () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await seeded();
    await build(wh, "2024-03-31", parseConfig({ badDebt: { maxDebtAgeDays: 120 } }));
  });
  afterAll(() => wh.close());

  it("lists exactly the documents with a non-zero outstanding amount", async () => {
    const ids = (await wh.all<{ document_id: string }>("select document_id from marts.fct_open_items order by document_id")).map((r) => r.document_id);
    expect(ids).toEqual(["A0", "A120", "A121", "A30", "A31", "CN2", "D4", "D5", "M1", "P3", "P5", "Z1"]);
  });

  it.each([
    ["A0", "100.00", 0, "not_due", "puts a document due on the as-of date in not_due"],
    ["A30", "120.00", 30, "1-30", "puts day 30 in 1-30 and nets a partial payment"],
    ["A31", "300.00", 31, "31-60", "puts day 31 in 31-60, counts the leap day, ignores a payment after the as-of date"],
    ["A120", "250.00", 120, "91-120", "puts day 120 in 91-120"],
    ["A121", "350.00", 121, "121+", "puts day 121 in 121+ and nets an applied credit note"],
    ["P3", "-60.00", 11, "1-30", "shows unapplied cash as a negative item aged from its own date"],
    ["CN2", "-20.00", 1, "1-30", "shows an unapplied credit as a negative item aged from its own date"],
    ["P5", "-10.00", 6, "1-30", "treats a payment naming another customer's document as unapplied"],
    ["M1", "500.00", 15, "1-30", "derives a missing due date from the customer's credit term"],
    ["D4", "1500.00", 30, "1-30", "uses the credit term in force on the document date"],
    ["D5", "600.00", -19, "not_due", "uses a term that changed before the document date"],
  ])("%s: %s", async (id, outstanding, days, bucket) => {
    const [row] = await wh.all(`select outstanding_amount, days_past_due, aging_bucket from marts.fct_open_items where document_id = $1`, [id]);
    expect(row).toEqual({ outstanding_amount: outstanding, days_past_due: days, aging_bucket: bucket });
  });

  it("dates a derived due date without shifting it by the time zone", async () => {
    const [row] = await wh.all(`select due_date, document_date, as_of_date from marts.fct_open_items where document_id = 'M1'`);
    expect(row).toEqual({ due_date: "2024-03-16", document_date: "2024-02-15", as_of_date: "2024-03-31" });
  });
});

describe("marts.dim_customers as of 2024-03-31", () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await seeded();
    await build(wh, "2024-03-31", parseConfig({ badDebt: { maxDebtAgeDays: 120 } }));
  });
  afterAll(() => wh.close());

  it("computes balance, exposure and status per customer", async () => {
    const c = await byKey(
      wh,
      `select customer_id, credit_limit, credit_term_days, outstanding_amount, open_orders_amount, exposure_amount, utilisation,
              available_credit, overdue_amount, max_days_past_due, expected_bad_debt_amount, credit_status
         from marts.dim_customers`,
      "customer_id",
    );
    expect(c.C1).toMatchObject({ credit_limit: "1100.00", outstanding_amount: "1060.00", exposure_amount: "1060.00", utilisation: "0.9636", available_credit: "40.00", overdue_amount: "1020.00", max_days_past_due: 121, expected_bad_debt_amount: "350.00", credit_status: "near_limit" });
    expect(c.C2).toMatchObject({ credit_limit: null, outstanding_amount: "470.00", utilisation: null, available_credit: null, overdue_amount: "500.00", credit_status: "no_limit" });
    expect(c.C3).toMatchObject({ credit_limit: "0.00", exposure_amount: "0.00", utilisation: null, credit_status: "ok" });
    expect(c.C4).toMatchObject({ credit_limit: "2000.00", credit_term_days: 45, outstanding_amount: "2100.00", open_orders_amount: "100.00", exposure_amount: "2200.00", utilisation: "1.1000", available_credit: "-200.00", credit_status: "over_limit" });
    expect(c.C5).toMatchObject({ credit_limit: "0.00", exposure_amount: "10.00", utilisation: null, credit_status: "over_limit" });
  });

  it("adds each customer's buckets in rpt_aging up to its outstanding balance", async () => {
    const rows = await wh.all(`select aging_bucket, outstanding_amount from marts.rpt_aging where customer_id = 'C1' order by bucket_order`);
    expect(rows).toEqual([
      { aging_bucket: "not_due", outstanding_amount: "100.00" },
      { aging_bucket: "1-30", outstanding_amount: "60.00" },
      { aging_bucket: "31-60", outstanding_amount: "300.00" },
      { aging_bucket: "91-120", outstanding_amount: "250.00" },
      { aging_bucket: "121+", outstanding_amount: "350.00" },
    ]);
  });
});

describe("replaying another as-of date", () => {
  it("counts the payment, credit and invoice dated after 2024-03-31 when built as of 2024-04-10", async () => {
    const wh = await seeded();
    await build(wh, "2024-04-10");
    const open = await byKey(wh, "select document_id, outstanding_amount from marts.fct_open_items", "document_id");
    expect(open.A31).toBeUndefined(); // settled by P2 on 2024-04-02
    expect(open.AF?.outstanding_amount).toBe("999.00");
    expect(open.A0?.outstanding_amount).toBe("50.00"); // CNF applied
    const [c4] = await wh.all("select credit_limit from marts.dim_customers where customer_id = 'C4'");
    expect(c4).toEqual({ credit_limit: "2000.00" }); // the 9,999 limit starts 2024-04-15
    wh.close();
  });
});

describe("aging options", () => {
  it("ages by document date when aging.basis is document_date", async () => {
    const wh = await seeded();
    await build(wh, "2024-03-31", parseConfig({ aging: { basis: "document_date" } }));
    const [row] = await wh.all(`select days_past_due, aging_bucket from marts.fct_open_items where document_id = 'A30'`);
    expect(row).toEqual({ days_past_due: 59, aging_bucket: "31-60" }); // 2024-02-01 → 2024-03-31
    wh.close();
  });

  it("labels buckets from the configured bounds: [30, 60, 90] ends in 91+", async () => {
    const wh = await seeded();
    await build(wh, "2024-03-31", parseConfig({ aging: { buckets: [30, 60, 90] } }));
    const labels = (await wh.all<{ aging_bucket: string }>("select aging_bucket from marts.dim_aging_buckets order by bucket_order")).map((r) => r.aging_bucket);
    expect(labels).toEqual(["not_due", "1-30", "31-60", "61-90", "91+"]);
    const [row] = await wh.all(`select aging_bucket from marts.fct_open_items where document_id = 'A120'`);
    expect(row).toEqual({ aging_bucket: "91+" });
    wh.close();
  });
});

describe("aging_bucket_order(days_past_due, bounds), the one definition every model uses", () => {
  it.each([
    [-5, 0], [0, 0], [1, 1], [30, 1], [31, 2], [60, 2], [61, 3], [120, 4], [121, 5], [null, null],
  ])("puts day %s in bucket %s of [30, 60, 90, 120]", async (days, bucket) => {
    const wh = await emptyWarehouse();
    await build(wh, "2024-03-31");
    const [row] = await wh.all("select aging_bucket_order($1::integer, [30, 60, 90, 120])::integer as bucket", [days]);
    expect(row).toEqual({ bucket });
    wh.close();
  });
});
