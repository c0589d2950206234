import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../core/warehouse.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * A worked example, as of 2024-03-31. Every expected row below was worked out by hand from the
 * definition of marts.fct_order_refs (README, Marts), not from running the model.
 *
 * Sales orders (counted when dated on or before the as-of date, or undated):
 *   SO1  C1 2024-03-10 100.00   named by I2 and I3 (both 2024-03-20) and I9 (2024-03-25, C2's)
 *                               → both; first I2 (same date as I3, smaller id); customer C1, the order's
 *   SO2  C1 undated      50.00  named by nothing                    → sales_order
 *   SO3  C2 2024-04-02   70.00  after the as-of date; I4 (2024-03-31, the as-of date) names it
 *                               → invoice; first I4; customer C2 from I4; no open amount
 *   SO4  C2 2024-04-05   10.00  after the as-of date, named by nothing → no row
 *   SO5  C3 2024-03-01   30.00  I5 names it, dated 2024-04-01 (after) → sales_order
 *   SO8  C1 2024-03-31   20.00  on the as-of date; CN2 (a credit note) names it → sales_order
 * Orders only documents name:
 *   SO9  debit note D1 2024-01-10 and invoice I6 2024-01-15, both C3 → invoice; first D1
 *   SO7  only credit note CN1 names it: a credit note bills nothing → no row
 * I7 names '' and I8 nothing: not from an order.
 *
 * dim_customers' open orders: C1 100 + 50 + 20 = 170, C2 0, C3 30: open_unbilled_amount adds up.
 *
 * As of 2024-04-05 instead: SO3 (2024-04-02) is counted → both, first I4, open 70.00; SO4 → sales_order;
 * I5 (2024-04-01) is counted → SO5 both, first I5.
 */
const customers = ["C1", "C2", "C3"].map((customer_id) => ({ customer_id, credit_limit: "1000.00", credit_term_days: 30 }));
const order = (order_id: string, customer_id: string, order_date: string | null, unbilled_amount: string) => ({ order_id, customer_id, order_date, unbilled_amount });
const salesOrders = [
  order("SO1", "C1", "2024-03-10", "100.00"),
  order("SO2", "C1", null, "50.00"),
  order("SO3", "C2", "2024-04-02", "70.00"),
  order("SO4", "C2", "2024-04-05", "10.00"),
  order("SO5", "C3", "2024-03-01", "30.00"),
  order("SO8", "C1", "2024-03-31", "20.00"),
];
const doc = (document_id: string, customer_id: string, document_type: string, document_date: string, order_id: string | null) =>
  ({ document_id, customer_id, document_type, document_date, due_date: null, amount: "10.00", order_id });
const invoices = [
  doc("I3", "C1", "invoice", "2024-03-20", "SO1"),
  doc("I2", "C1", "invoice", "2024-03-20", "SO1"),
  doc("I9", "C2", "invoice", "2024-03-25", "SO1"),
  doc("I4", "C2", "invoice", "2024-03-31", "SO3"),
  doc("I5", "C3", "invoice", "2024-04-01", "SO5"),
  doc("I6", "C3", "invoice", "2024-01-15", "SO9"),
  doc("D1", "C3", "debit_note", "2024-01-10", "SO9"),
  doc("CN1", "C1", "credit_note", "2024-03-05", "SO7"),
  doc("CN2", "C1", "credit_note", "2024-03-31", "SO8"),
  doc("I7", "C1", "invoice", "2024-03-01", ""),
  doc("I8", "C1", "invoice", "2024-03-02", null),
];

const ORDER_REFS = "select order_id, customer_id, seen_in, first_document_id, open_unbilled_amount from marts.fct_order_refs order by order_id";
const ref = (order_id: string, customer_id: string, seen_in: string, first_document_id: string | null, open_unbilled_amount: string | null) =>
  ({ order_id, customer_id, seen_in, first_document_id, open_unbilled_amount });

async function seeded(): Promise<Warehouse> {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", customers);
  await insertRaw(wh, "sales_orders", salesOrders);
  await insertRaw(wh, "invoices", invoices);
  return wh;
}

describe("marts.fct_order_refs", () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await seeded();
    await build(wh, "2024-03-31");
  });
  afterAll(() => wh.close());

  it("lists each order known on the as-of date once, where it was seen and the first document that bills it", async () => {
    expect(await wh.all(ORDER_REFS)).toEqual([
      ref("SO1", "C1", "both", "I2", "100.00"),
      ref("SO2", "C1", "sales_order", null, "50.00"),
      ref("SO3", "C2", "invoice", "I4", null),
      ref("SO5", "C3", "sales_order", null, "30.00"),
      ref("SO8", "C1", "sales_order", null, "20.00"),
      ref("SO9", "C3", "invoice", "D1", null),
    ]);
  });

  it("adds up to dim_customers' open orders", async () => {
    expect(await wh.all("select customer_id, open_orders_amount from marts.dim_customers order by customer_id")).toEqual([
      { customer_id: "C1", open_orders_amount: "170.00" },
      { customer_id: "C2", open_orders_amount: "0.00" },
      { customer_id: "C3", open_orders_amount: "30.00" },
    ]);
  });

  it("shows order_id in staging, null when empty", async () => {
    expect(await wh.all("select document_id, order_id from staging.stg_invoices where document_id in ('I2', 'I7', 'I8') order by document_id")).toEqual([
      { document_id: "I2", order_id: "SO1" },
      { document_id: "I7", order_id: null },
      { document_id: "I8", order_id: null },
    ]);
  });

  it("warns about a document that names another customer's order", async () => {
    const [test] = await wh.all<{ status: string; failures: string; sql: string }>(
      "select status, failures, sql from meta.test_results where test_name = 'order_of_another_customer__stg_invoices'",
    );
    expect(test).toMatchObject({ status: "warn", failures: "1" });
    expect(await wh.all(test!.sql)).toEqual([{ document_id: "I9", customer_id: "C2", order_id: "SO1", order_customer_id: "C1" }]);
  });

  it("counts the orders and documents dated up to a later as-of date", async () => {
    const later = await seeded();
    await build(later, "2024-04-05");
    expect(await later.all(ORDER_REFS)).toEqual([
      ref("SO1", "C1", "both", "I2", "100.00"),
      ref("SO2", "C1", "sales_order", null, "50.00"),
      ref("SO3", "C2", "both", "I4", "70.00"),
      ref("SO4", "C2", "sales_order", null, "10.00"),
      ref("SO5", "C3", "both", "I5", "30.00"),
      ref("SO8", "C1", "sales_order", null, "20.00"),
      ref("SO9", "C3", "invoice", "D1", null),
    ]);
    later.close();
  });
});
