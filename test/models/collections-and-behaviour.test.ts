import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { build, byKey, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

const config = parseConfig({ history: { months: 12 }, expectedLoss: { lookbackMonths: 6 } });
const invoice = (document_id: string, customer_id: string, document_date: string, due_date: string, amount: string) =>
  ({ document_id, customer_id, document_type: "invoice", document_date, due_date, amount, applies_to: null });
const pay = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id, payment_date, amount, document_id });
const attempt = (attempt_id: string, attempt_date: string, extra: Record<string, string | null>) =>
  ({ attempt_id, customer_id: "C1", attempt_date, collector: "Lan", channel: "phone", outcome: "promise_to_pay", reason: "cash_flow", ...extra });

describe("promises to pay and cash after contact", () => {
  it("keeps a promise paid on the promised date and breaks one paid a day later", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1", team: "North", collector: "Lan", customer_group: "Retail" }]);
    await insertRaw(wh, "invoices", [invoice("I1", "C1", "2024-01-01", "2024-01-31", "2000.00")]);
    await insertRaw(wh, "payments", [
      pay("P1", "C1", "2024-03-10", "500.00", "I1"), // on A1's promised date: kept
      pay("P2", "C1", "2024-03-21", "400.00", "I1"), // a day after A2's promised date: broken
    ]);
    await insertRaw(wh, "collection_attempts", [
      attempt("A1", "2024-03-01", { promised_date: "2024-03-10", promised_amount: "500.00" }),
      attempt("A2", "2024-03-15", { promised_date: "2024-03-20", promised_amount: "400.00" }),
      attempt("A3", "2024-03-25", { promised_date: "2024-04-30", promised_amount: "100.00" }), // not yet due on 2024-03-31
      attempt("A4", "2024-03-02", { outcome: "no_answer", reason: null, promised_date: null, promised_amount: null }),
    ]);
    await build(wh, "2024-03-31", config);
    const a = await byKey(wh, "select attempt_id, promise_status, collected_7d, collected_30d from marts.fct_collection_attempts", "attempt_id");
    // A1 (03-01): P1 on 03-10 is 9 days later → not within 7, within 30 (P2 on 03-21 is 20 days later → also within 30).
    expect(a.A1).toEqual({ attempt_id: "A1", promise_status: "kept", collected_7d: "0.00", collected_30d: "900.00" });
    // A2 (03-15): P2 on 03-21, 6 days later → within 7.
    expect(a.A2).toEqual({ attempt_id: "A2", promise_status: "broken", collected_7d: "400.00", collected_30d: "400.00" });
    expect(a.A3).toMatchObject({ promise_status: "open" });
    expect(a.A4).toMatchObject({ promise_status: null });
    const [trend] = await wh.all(`select attempts, customers_contacted, promises_made, promises_kept, promises_broken, kept_rate
                                    from marts.rpt_collection_trends where outcome = 'promise_to_pay'`);
    expect(trend).toEqual({ attempts: 3, customers_contacted: 1, promises_made: 3, promises_kept: 1, promises_broken: 1, kept_rate: "0.5000" });
    const [followUps] = await wh.all("select follow_ups, promises_made, latest_outcome, latest_reason from marts.rpt_customer_follow_ups");
    expect(followUps).toEqual({ follow_ups: 4, promises_made: 3, latest_outcome: "promise_to_pay", latest_reason: "cash_flow" });
    wh.close();
  });
});

describe("payment behaviour classes", () => {
  /*
   * C1 gets a 100.00 invoice on the 1st of each month, due the 15th. It pays on the due date through May 2024,
   * then late: June's on 06-30 (15 days late), July's on 07-31 (16), August's on 08-31 (16).
   * 6-month amount-weighted days late (equal amounts): June (0 × 5 + 15) ÷ 6 = 2.5 → prompt;
   * July (15 + 16) ÷ 6 = 5.2 → prompt; August (15 + 16 + 16) ÷ 6 = 7.8 → slow (over 7).
   */
  it("moves a customer from prompt to slow as late payments fill its 6-month window", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1", credit_term_days: 14 }]);
    const months = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08"];
    await insertRaw(wh, "invoices", months.map((m) => invoice(`I${m}`, "C1", `${m}-01`, `${m}-15`, "100.00")));
    const paidOn: Record<string, string> = { "2024-06": "2024-06-30", "2024-07": "2024-07-31", "2024-08": "2024-08-31" };
    await insertRaw(wh, "payments", months.map((m) => pay(`P${m}`, "C1", paidOn[m] ?? `${m}-15`, "100.00", `I${m}`)));
    await build(wh, "2024-08-31", config);
    const b = await byKey(wh, "select month_end, avg_days_late, avg_days_late_6m, behaviour_class from marts.fct_customer_payment_behaviour", "month_end");
    expect(b["2024-05-31"]).toMatchObject({ avg_days_late: "0.0", behaviour_class: "prompt" });
    expect(b["2024-06-30"]).toMatchObject({ avg_days_late: "15.0", avg_days_late_6m: "2.5", behaviour_class: "prompt" });
    expect(b["2024-07-31"]).toMatchObject({ avg_days_late: "16.0", avg_days_late_6m: "5.2", behaviour_class: "prompt" });
    expect(b["2024-08-31"]).toMatchObject({ avg_days_late: "16.0", avg_days_late_6m: "7.8", behaviour_class: "slow" });
    wh.close();
  });

  it("classes a customer with a write-off in the last 12 months as defaulting", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1" }]);
    await insertRaw(wh, "invoices", [
      invoice("I1", "C1", "2024-01-01", "2024-01-31", "100.00"),
      { document_id: "WO1", customer_id: "C1", document_type: "write_off", document_date: "2024-05-10", due_date: null, amount: "100.00", applies_to: "I1" },
    ]);
    await build(wh, "2024-08-31", config);
    const b = await byKey(wh, "select month_end, behaviour_class from marts.fct_customer_payment_behaviour", "month_end");
    expect(b["2024-04-30"]?.behaviour_class).toBe("unstable"); // overdue since February, nothing paid
    expect(b["2024-05-31"]?.behaviour_class).toBe("defaulting");
    expect(b["2024-08-31"]?.behaviour_class).toBe("defaulting"); // a quiet month still carries the write-off
    const [advice] = await wh.all("select behaviour_class, recommended_limit, written_off from marts.rpt_credit_limit_advice");
    expect(advice).toEqual({ behaviour_class: "defaulting", recommended_limit: "0.00", written_off: "0.00" });
    wh.close();
  });
});

describe("credit-limit advice and its back-test", () => {
  /*
   * As of 2024-08-31, look-back 6 month-ends → back-test from 2024-03-01. C1 (term 30, limit 10,000) is invoiced
   * 1,000 on the 1st of March to August and pays each on its due date (prompt), except August's (not due yet).
   * 6-month average credit sales = 6,000 ÷ 6 = 1,000; × (30 + 0) ÷ 30 × 1.25 = 1,250 → recommended 1,300.
   * Back-test: each invoice arrives with a balance of 0 before it (the previous one paid) → 1,000 ≤ 1,300: none held.
   * C2 (term 30) is invoiced 4,000 on 2024-03-01 and 4,000 on 2024-04-01, pays nothing; the April invoice is written
   * off on 2024-08-20. Defaulting → recommended 0 → both invoices held back, and the 4,000 write-off avoided.
   */
  it("recommends a limit from sales, term and lateness, and replays what it would have held back", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [
      { customer_id: "C1", credit_limit: "10000.00", credit_term_days: 30 },
      { customer_id: "C2", credit_limit: "5000.00", credit_term_days: 30 },
    ]);
    const months = ["03", "04", "05", "06", "07", "08"];
    await insertRaw(wh, "invoices", [
      ...months.map((m) => invoice(`A${m}`, "C1", `2024-${m}-01`, `2024-${m}-28`, "1000.00")),
      invoice("B1", "C2", "2024-03-01", "2024-03-31", "4000.00"),
      invoice("B2", "C2", "2024-04-01", "2024-05-01", "4000.00"),
      { document_id: "WO1", customer_id: "C2", document_type: "write_off", document_date: "2024-08-20", due_date: null, amount: "4000.00", applies_to: "B2" },
    ]);
    await insertRaw(wh, "payments", months.filter((m) => m !== "08").map((m) => pay(`P${m}`, "C1", `2024-${m}-28`, "1000.00", `A${m}`)));
    await build(wh, "2024-08-31", config);
    const a = await byKey(
      wh,
      `select customer_id, behaviour_class, current_limit, recommended_limit, avg_monthly_sales, invoices_tested,
              invoices_held_back, amount_held_back, written_off, write_offs_avoided, reason from marts.rpt_credit_limit_advice`,
      "customer_id",
    );
    expect(a.C1).toMatchObject({ behaviour_class: "prompt", current_limit: "10000.00", recommended_limit: "1300.00", avg_monthly_sales: "1000.00", invoices_tested: 6, invoices_held_back: 0, amount_held_back: "0.00" });
    expect(a.C1?.reason).toBe("prompt payer: 6-month average credit sales 1,000.00 x (30-day term + 0.0 days late) / 30 x 1.25, rounded up");
    expect(a.C2).toMatchObject({ behaviour_class: "defaulting", recommended_limit: "0.00", invoices_tested: 2, invoices_held_back: 2, amount_held_back: "8000.00", written_off: "4000.00", write_offs_avoided: "4000.00" });
    wh.close();
  });
});
