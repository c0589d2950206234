import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import type { BuildResult } from "../../models/runner/build.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * FIFO allocation (README: Allocation) worked by hand. Buckets [30, 60, 90, 120], aged by due date.
 * Rule: as of a date, a customer's pool (its unapplied cash and credits dated by then, a
 * prepayment naming a document not yet raised aside) pays its open invoices and debit notes
 * oldest due date first; the pool itself is used oldest first; what is beyond every open item
 * stays unapplied. Share of an item = max(0, min(pool, running total through it) − running total before it).
 *
 * K1
 *   I1  invoice 2023-12-01 due 2023-12-31  100.00
 *   I2  invoice 2024-01-20 due 2024-02-19  200.00
 *   I3  invoice 2024-02-15 due 2024-03-16  300.00
 *   I4  invoice 2024-03-01 due 2024-03-01   50.00  (raised later than I3, due earlier)
 *   Q1  payment 2024-02-20 250.00, names no document
 *   N1  credit note 2024-03-05 120.00, no applies_to
 *   As of 2024-02-29: pool Q1 250. By due date I1 (run 100), I2 (300), I3 (600):
 *     I1 min(250,100) − 0 = 100 → settled; I2 min(250,300) − 100 = 150 → 50 left; I3 min(250,600) − 300 < 0 → 0.
 *     Open: I2 50 (10 days, 1-30), I3 300 (−16 days, not_due); Q1 used whole. Net 350 = 600 − 250.
 *   As of 2024-03-31: pool Q1 250 + N1 120 = 370. By due date I1 (run 100), I2 (300), I4 (350), I3 (650):
 *     I1 100, I2 200, I4 50 (all settled), I3 370 − 350 = 20 → 280 left, 15 days → 1-30.
 *     Open items with a positive balance 650 ≥ 370: Q1 and N1 used whole. Net 280 = 650 − 370; overdue 280.
 *   as_named as of 2024-03-31: I1 100 (91 days, 91-120), I2 200 (41, 31-60), I4 50 (30, 1-30), I3 300 (15, 1-30),
 *     Q1 −250 (40 days from 2024-02-20, 31-60), N1 −120 (26, 1-30); overdue 100 + 200 + 50 + 300 = 650.
 * K2 (cash beyond every open item)
 *   J1  invoice 2024-03-01 due 2024-03-31   80.00
 *   J2  invoice 2024-02-01 due 2024-03-02   40.00, R1 2024-03-10 15.00 names it → 25.00 open
 *   R2  payment 2024-03-20 200.00, names no document
 *   As of 2024-03-31: pool 200; J2 (due 03-02, run 25), J1 (due 03-31, run 105): both settled;
 *     R2 used min(105, 200) − 0 = 105 → −95.00 left, 11 days → 1-30. Net −95 = 120 − 15 − 200.
 *   As of 2024-02-29: J2 40 open (not due), no pool yet (R2 is later): nothing allocated.
 * K3 (a prepayment waits for the document it names)
 *   L1  invoice 2024-03-01 due 2024-03-31   60.00
 *   L2  invoice 2024-04-05 due 2024-05-05   30.00
 *   S1  payment 2024-03-25 30.00 naming L2: as of 2024-03-31 unapplied but not pooled, so L1 stays 60 (0 days,
 *     not_due) and S1 −30 (6 days, 1-30). As of 2024-04-30 it pays L2: L1 60 open (30 days, 1-30), L2 settled.
 *
 * K4 (the pool is used oldest first, so what is left is the latest cash)
 *   M1  invoice 2024-01-10 due 2024-02-09  150.00
 *   T1  payment 2024-01-05 100.00 and T2 payment 2024-03-25 100.00, naming nothing
 *   As of 2024-02-29: pool T1 100 → M1 gets 100, 50.00 left (20 days, 1-30).
 *   As of 2024-03-31: pool T1, T2 = 200 → M1 settled; T1 used min(150, 100) − 0 = 100, T2 min(150, 200) − 100 = 50,
 *     so T2 −50.00 is left (6 days, 1-30), not T1 (86 days, 61-90). Net −50 = 150 − 200.
 *   as_named: M1 150 (51 days, 31-60), T1 −100 (86 days, 61-90), T2 −100 (6 days, 1-30).
 *
 * rpt_fifo_allocation as of 2024-03-31: customers K1, K2, K4 = 3; documents I1, I2, I3, I4, J1, J2, M1 = 7;
 *   payments Q1, R2, T1, T2 = 4; credits N1 = 1; cash 250 + 105 + 150 = 505; credits 120;
 *   allocated 625 (= K1 370 + K2 105 + K4 150).
 * As of 2024-02-29: customers K1, K4 = 2; documents I1, I2, M1 = 3; payments Q1, T1 = 2; allocated 250 + 100 = 350.
 */
const doc = (document_id: string, customer_id: string, document_type: string, document_date: string, due_date: string | null, amount: string) =>
  ({ document_id, customer_id, document_type, document_date, due_date, amount, applies_to: null });
const invoices = [
  doc("I1", "K1", "invoice", "2023-12-01", "2023-12-31", "100.00"),
  doc("I2", "K1", "invoice", "2024-01-20", "2024-02-19", "200.00"),
  doc("I3", "K1", "invoice", "2024-02-15", "2024-03-16", "300.00"),
  doc("I4", "K1", "invoice", "2024-03-01", "2024-03-01", "50.00"),
  doc("N1", "K1", "credit_note", "2024-03-05", null, "120.00"),
  doc("J1", "K2", "invoice", "2024-03-01", "2024-03-31", "80.00"),
  doc("J2", "K2", "invoice", "2024-02-01", "2024-03-02", "40.00"),
  doc("L1", "K3", "invoice", "2024-03-01", "2024-03-31", "60.00"),
  doc("L2", "K3", "invoice", "2024-04-05", "2024-05-05", "30.00"),
  doc("M1", "K4", "invoice", "2024-01-10", "2024-02-09", "150.00"),
];
const pay = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id, payment_date, amount, document_id });
const payments = [
  pay("Q1", "K1", "2024-02-20", "250.00", null),
  pay("R1", "K2", "2024-03-10", "15.00", "J2"),
  pay("R2", "K2", "2024-03-20", "200.00", null),
  pay("S1", "K3", "2024-03-25", "30.00", "L2"),
  pay("T1", "K4", "2024-01-05", "100.00", null),
  pay("T2", "K4", "2024-03-25", "100.00", null),
];
const customers = ["K1", "K2", "K3", "K4"].map((customer_id) => ({ customer_id, customer_name: customer_id, credit_limit: "1000.00", credit_term_days: 30 }));

const FIFO = parseConfig({ allocation: "fifo" });
const AS_NAMED = parseConfig({});

async function built(asOf: string, config = FIFO): Promise<{ wh: Warehouse; result: BuildResult }> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", customers);
  await insertRaw(wh, "invoices", invoices);
  await insertRaw(wh, "payments", payments);
  const result = await build(wh, asOf, config);
  return { wh, result };
}

const openItems = (wh: Warehouse) =>
  wh.all("select document_id, outstanding_amount, days_past_due, aging_bucket from marts.fct_open_items order by customer_id, document_id");

describe("allocation: fifo, as of 2024-03-31", () => {
  let wh: Warehouse;
  let result: BuildResult;
  beforeAll(async () => ({ wh, result } = await built("2024-03-31")));
  afterAll(() => wh.close());

  it("pays the oldest due dates first, leaves cash beyond every open item unapplied on the latest cash, and waits with a prepayment", async () => {
    expect(await openItems(wh)).toEqual([
      { document_id: "I3", outstanding_amount: "280.00", days_past_due: 15, aging_bucket: "1-30" },
      { document_id: "R2", outstanding_amount: "-95.00", days_past_due: 11, aging_bucket: "1-30" },
      { document_id: "L1", outstanding_amount: "60.00", days_past_due: 0, aging_bucket: "not_due" },
      { document_id: "S1", outstanding_amount: "-30.00", days_past_due: 6, aging_bucket: "1-30" },
      { document_id: "T2", outstanding_amount: "-50.00", days_past_due: 6, aging_bucket: "1-30" },
    ]);
  });

  it("keeps each customer's net balance and moves its overdue amount to what the statement shows", async () => {
    const c = await byKey(wh, "select customer_id, outstanding_amount, overdue_amount from marts.dim_customers", "customer_id");
    expect(c.K1).toMatchObject({ outstanding_amount: "280.00", overdue_amount: "280.00" });
    expect(c.K2).toMatchObject({ outstanding_amount: "-95.00", overdue_amount: "0.00" });
    expect(c.K3).toMatchObject({ outstanding_amount: "30.00", overdue_amount: "0.00" });
    expect(c.K4).toMatchObject({ outstanding_amount: "-50.00", overdue_amount: "0.00" });
  });

  it("replays the same allocation at each month-end: 2024-02-29 from Q1 alone, 2024-03-31 as fct_open_items", async () => {
    const rows = await wh.all(
      `select month_end, customer_id, aging_bucket, sum(outstanding_amount) as amount, sum(open_items)::integer as items
         from marts.fct_month_end_aging where month_end >= '2024-02-29' group by all order by all`,
    );
    expect(rows).toEqual([
      { month_end: "2024-02-29", customer_id: "K1", aging_bucket: "1-30", amount: "50.00", items: 1 },
      { month_end: "2024-02-29", customer_id: "K1", aging_bucket: "not_due", amount: "300.00", items: 1 },
      { month_end: "2024-02-29", customer_id: "K2", aging_bucket: "not_due", amount: "40.00", items: 1 },
      { month_end: "2024-02-29", customer_id: "K4", aging_bucket: "1-30", amount: "50.00", items: 1 },
      { month_end: "2024-03-31", customer_id: "K1", aging_bucket: "1-30", amount: "280.00", items: 1 },
      { month_end: "2024-03-31", customer_id: "K2", aging_bucket: "1-30", amount: "-95.00", items: 1 },
      { month_end: "2024-03-31", customer_id: "K3", aging_bucket: "1-30", amount: "-30.00", items: 1 },
      { month_end: "2024-03-31", customer_id: "K3", aging_bucket: "not_due", amount: "60.00", items: 1 },
      { month_end: "2024-03-31", customer_id: "K4", aging_bucket: "1-30", amount: "-50.00", items: 1 },
    ]);
    // The build's own check that the latest month-end's replay equals fct_open_items ran and found nothing.
    const replayCheck = result.tests.filter((t) => t.test.name.startsWith("replay_equals_direct_build__"));
    expect(replayCheck.map((t) => t.failures)).toEqual([0]);
  });

  it("says in rpt_fifo_allocation how much was allocated, and from what", async () => {
    expect(await wh.all("select * exclude (as_of_date) from marts.rpt_fifo_allocation")).toEqual([
      { allocation: "fifo", fifo_sources: [], customers: 3, documents: 7, payments: 4, credits: 1, cash_amount: "505.00", credit_amount: "120.00", allocated_amount: "625.00" },
    ]);
  });

  it("passes the allocation's own data tests: unique items, and what is paid equals what is used", () => {
    const own = result.tests.filter((t) => t.test.model.endsWith("int_open_items_allocated") || t.test.model.endsWith("rpt_fifo_allocation"));
    expect(own.map((t) => t.test.name)).toContain("fifo_allocation_balances__int_open_items_allocated");
    expect(own.filter((t) => t.failures > 0).map((t) => t.test.name)).toEqual([]);
  });
});

describe("allocation: fifo, as of a past date", () => {
  it("as of 2024-02-29 uses only the cash and documents dated by then: I2 partly paid, I3 untouched", async () => {
    const { wh } = await built("2024-02-29");
    expect(await openItems(wh)).toEqual([
      { document_id: "I2", outstanding_amount: "50.00", days_past_due: 10, aging_bucket: "1-30" },
      { document_id: "I3", outstanding_amount: "300.00", days_past_due: -16, aging_bucket: "not_due" },
      { document_id: "J2", outstanding_amount: "40.00", days_past_due: -2, aging_bucket: "not_due" },
      { document_id: "M1", outstanding_amount: "50.00", days_past_due: 20, aging_bucket: "1-30" },
    ]);
    expect(await wh.all("select customers, documents, payments, credits, allocated_amount from marts.rpt_fifo_allocation")).toEqual([
      { customers: 2, documents: 3, payments: 2, credits: 0, allocated_amount: "350.00" },
    ]);
    wh.close();
  });

  it("as of 2024-04-30 the prepayment S1 pays L2, the document it names, not the older L1", async () => {
    const { wh } = await built("2024-04-30");
    const open = await byKey(wh, "select document_id, outstanding_amount, aging_bucket from marts.fct_open_items where customer_id = 'K3'", "document_id");
    expect(open).toEqual({ L1: { document_id: "L1", outstanding_amount: "60.00", aging_bucket: "1-30" } });
    wh.close();
  });
});

describe("allocation: as_named on the same ledger", () => {
  let wh: Warehouse;
  beforeAll(async () => ({ wh } = await built("2024-03-31", AS_NAMED)));
  afterAll(() => wh.close());

  it("reduces only the documents named, and ages unapplied cash and credits as items of their own", async () => {
    expect(await openItems(wh)).toEqual([
      { document_id: "I1", outstanding_amount: "100.00", days_past_due: 91, aging_bucket: "91-120" },
      { document_id: "I2", outstanding_amount: "200.00", days_past_due: 41, aging_bucket: "31-60" },
      { document_id: "I3", outstanding_amount: "300.00", days_past_due: 15, aging_bucket: "1-30" },
      { document_id: "I4", outstanding_amount: "50.00", days_past_due: 30, aging_bucket: "1-30" },
      { document_id: "N1", outstanding_amount: "-120.00", days_past_due: 26, aging_bucket: "1-30" },
      { document_id: "Q1", outstanding_amount: "-250.00", days_past_due: 40, aging_bucket: "31-60" },
      { document_id: "J1", outstanding_amount: "80.00", days_past_due: 0, aging_bucket: "not_due" },
      { document_id: "J2", outstanding_amount: "25.00", days_past_due: 29, aging_bucket: "1-30" },
      { document_id: "R2", outstanding_amount: "-200.00", days_past_due: 11, aging_bucket: "1-30" },
      { document_id: "L1", outstanding_amount: "60.00", days_past_due: 0, aging_bucket: "not_due" },
      { document_id: "S1", outstanding_amount: "-30.00", days_past_due: 6, aging_bucket: "1-30" },
      { document_id: "M1", outstanding_amount: "150.00", days_past_due: 51, aging_bucket: "31-60" },
      { document_id: "T1", outstanding_amount: "-100.00", days_past_due: 86, aging_bucket: "61-90" },
      { document_id: "T2", outstanding_amount: "-100.00", days_past_due: 6, aging_bucket: "1-30" },
    ]);
    const [k1] = await wh.all("select overdue_amount from marts.dim_customers where customer_id = 'K1'");
    expect(k1).toEqual({ overdue_amount: "650.00" });
  });

  it("allocates nothing, and says so", async () => {
    expect(await wh.all("select count(*)::integer as n from intermediate.int_open_items_allocated")).toEqual([{ n: 0 }]);
    expect(await wh.all("select * exclude (as_of_date) from marts.rpt_fifo_allocation")).toEqual([
      { allocation: "as_named", fifo_sources: [], customers: 0, documents: 0, payments: 0, credits: 0, cash_amount: "0.00", credit_amount: "0.00", allocated_amount: "0.00" },
    ]);
  });
});
