import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

// 12 month-ends up to 2024-08-31; the back-test looks back 3 of them: from 2024-06-01.
const config = parseConfig({ history: { months: 12 }, expectedLoss: { lookbackMonths: 3 } });
const doc = (document_id: string, document_type: string, document_date: string, amount: string, applies_to: string | null = null) =>
  ({ document_id, customer_id: "C1", document_type, document_date, due_date: null, amount, applies_to });
const pay = (payment_id: string, payment_date: string, amount: string, document_id: string | null) =>
  ({ payment_id, customer_id: "C1", payment_date, amount, document_id });

describe("rpt_credit_limit_advice back-test", () => {
  it("starts the window from the balance the customer carried into it, payments before invoices on a day", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1", credit_limit: "10000.00", credit_term_days: 30 }]);
    await insertRaw(wh, "invoices", [
      doc("X1", "invoice", "2024-02-01", "1000.00"),
      // A write-off in the last 12 months: defaulting, factor 0, recommended limit 0, so an
      // invoice is held back whenever the balance just before it plus the invoice is above 0.
      doc("WO1", "write_off", "2024-03-15", "1000.00", "X1"),
      doc("Y1", "invoice", "2024-06-05", "2000.00"),
      doc("Y2", "invoice", "2024-07-05", "2000.00"),
      doc("Y3", "invoice", "2024-08-10", "500.00"),
    ]);
    await insertRaw(wh, "payments", [
      pay("P0", "2024-04-10", "3000.00", null), // before the window: the customer enters it 3,000 in credit
      pay("P1", "2024-08-10", "1500.00", "Y2"), // the same day as Y3, so it counts first
    ]);
    await build(wh, "2024-08-31", config);
    const [advice] = await wh.all(`select behaviour_class, recommended_limit, backtest_from, backtest_to, invoices_tested,
                                          invoices_held_back, amount_held_back, written_off, write_offs_avoided
                                     from marts.rpt_credit_limit_advice`);
    // Opening balance on 2024-06-01: 1,000 − 1,000 − 3,000 = −3,000.
    // Y1: −3,000 + 2,000 = −1,000, not above 0: passes. Y2: −1,000 + 2,000 = 1,000 > 0: held back.
    // Y3: 1,000 − 1,500 (P1, same day, first) + 500 = 0, not above 0: passes.
    expect(advice).toEqual({
      behaviour_class: "defaulting",
      recommended_limit: "0.00",
      backtest_from: "2024-06-01",
      backtest_to: "2024-08-31",
      invoices_tested: 3,
      invoices_held_back: 1,
      amount_held_back: "2000.00",
      written_off: "0.00",
      write_offs_avoided: "0.00",
    });
    wh.close();
  });
});
