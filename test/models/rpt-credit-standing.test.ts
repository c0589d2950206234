// marts.rpt_credit_standing (issue 9): what the credit check decides from. The day counts are the
// check's: an amount is past a count when its days past due are MORE than it (day 60 is not more than
// 60 days past due; day 61 is), and only what the customer owes (positive open items) counts, so
// unapplied cash never hides a late invoice. Worked by hand for an as-of date of 2024-06-30.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

const AS_OF = "2024-06-30";
const invoice = (document_id: string, customer_id: string, due_date: string, amount: string) =>
  ({ document_id, customer_id, document_type: "invoice", document_date: "2023-12-01", due_date, amount, applies_to: null });
const pay = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id, payment_date, amount, document_id });

async function warehouse() {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [
    { customer_id: "C1", customer_name: "Kim Long", credit_limit: "5000.00" },
    { customer_id: "C2", customer_name: "No documents", credit_limit: "1000.00" },
    { customer_id: "C3", customer_name: "Late with cash on account", status: "blocked" },
  ]);
  await insertRaw(wh, "invoices", [
    invoice("I30", "C1", "2024-05-31", "10.00"), // 30 days past due on 2024-06-30
    invoice("I31", "C1", "2024-05-30", "20.00"), // 31
    invoice("I60", "C1", "2024-05-01", "100.00"), // 60
    invoice("I61", "C1", "2024-04-30", "200.00"), // 61
    invoice("IPART", "C1", "2024-04-30", "500.00"), // 61, 150.00 paid: 350.00 owed
    invoice("I180", "C1", "2024-01-02", "400.00"), // 180
    invoice("I181", "C1", "2024-01-01", "800.00"), // 181
    invoice("INOTDUE", "C1", "2024-07-15", "1000.00"), // not due
    invoice("C3-I61", "C3", "2024-04-30", "300.00"), // 61
  ]);
  await insertRaw(wh, "payments", [
    pay("P1", "C1", "2024-06-01", "150.00", "IPART"),
    // Cash on account, unapplied, 100 days old: a negative open item, never netted against what is late.
    pay("P2", "C3", "2024-03-22", "500.00", null),
  ]);
  return wh;
}

const COLUMNS = `customer_id, status, credit_limit, outstanding_amount, overdue_amount, max_days_past_due,
  overdue_past_grace_amount, overdue_past_hold_amount, overdue_past_max_age_amount, behaviour_class`;

describe("marts.rpt_credit_standing", () => {
  it("sums what is more than graceDays (30), holdDaysPastDue (60) and maxDebtAgeDays (180) past due", async () => {
    const wh = await warehouse();
    await build(wh, AS_OF, parseConfig({ creditCheck: { graceDays: 30, holdDaysPastDue: 60 } }));
    const s = await byKey(wh, `select ${COLUMNS} from marts.rpt_credit_standing`, "customer_id");
    expect(s.C1).toMatchObject({
      status: "active",
      credit_limit: "5000.00",
      // 10 + 20 + 100 + 200 + 350 + 400 + 800 + 1,000
      outstanding_amount: "2880.00",
      max_days_past_due: 181,
      // > 30 days: I31 20 + I60 100 + I61 200 + IPART 350 + I180 400 + I181 800 (I30, on day 30, is not)
      overdue_past_grace_amount: "1870.00",
      // > 60 days: I61 200 + IPART 350 + I180 400 + I181 800 (I60, on day 60, is not)
      overdue_past_hold_amount: "1750.00",
      // > 180 days: I181 800 (I180, on day 180, is not)
      overdue_past_max_age_amount: "800.00",
    });
    // C3 owes 300.00 61 days late and has 500.00 unapplied cash 100 days old: the late 300.00 counts whole.
    expect(s.C3).toMatchObject({
      status: "blocked",
      credit_limit: null,
      outstanding_amount: "-200.00",
      overdue_past_grace_amount: "300.00",
      overdue_past_hold_amount: "300.00",
      overdue_past_max_age_amount: "0.00",
    });
    // No documents at all: zeros, not nulls, and no payment history.
    expect(s.C2).toMatchObject({
      status: "active",
      outstanding_amount: "0.00",
      overdue_past_grace_amount: "0.00",
      overdue_past_hold_amount: "0.00",
      overdue_past_max_age_amount: "0.00",
      behaviour_class: "no_history",
    });
    const [info] = await wh.all("select credit_grace_days, credit_hold_days_past_due, max_debt_age_days from marts.rpt_build_info");
    expect(info).toEqual({ credit_grace_days: 30, credit_hold_days_past_due: 60, max_debt_age_days: 180 });
    wh.close();
  });

  it("moves the boundaries with the build parameters (grace 0, hold 61)", async () => {
    const wh = await warehouse();
    await build(wh, AS_OF, parseConfig({ creditCheck: { graceDays: 0, holdDaysPastDue: 61 } }));
    const s = await byKey(wh, `select ${COLUMNS} from marts.rpt_credit_standing`, "customer_id");
    expect(s.C1).toMatchObject({
      // > 0 days: everything but INOTDUE: 10 + 20 + 100 + 200 + 350 + 400 + 800
      overdue_past_grace_amount: "1880.00",
      // > 61 days: I180 400 + I181 800 (I61 and IPART, on day 61, are not)
      overdue_past_hold_amount: "1200.00",
      overdue_past_max_age_amount: "800.00",
    });
    expect(s.C3).toMatchObject({ overdue_past_hold_amount: "0.00", overdue_past_grace_amount: "300.00" });
    wh.close();
  });

  it("holds one row per customer of the customers extract", async () => {
    const wh = await warehouse();
    await build(wh, AS_OF);
    const [n] = await wh.all("select count(*)::integer as n, count(distinct customer_id)::integer as d from marts.rpt_credit_standing");
    expect(n).toEqual({ n: 3, d: 3 });
    wh.close();
  });
});
