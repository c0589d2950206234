import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { loadProject } from "../../models/runner/project.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * A company's first three weeks of ledger, worked by hand. Buckets [30, 60] → not_due, 1-30,
 * 31-60, 61+; history 3 month-ends; as of 2024-03-07, so the latest month-end is 2024-02-29
 * and the history is 2023-12-31, 2024-01-31, 2024-02-29. The ledger starts 2024-02-15: no
 * balance at 2024-01-31, so no month-end pair has anything to roll, and no roll rate exists.
 *
 *   I1 invoice 2024-02-15 due 2024-02-20, 1,000.00; P1 pays 400.00 of it on 2024-03-01 → 600.00, 16 days → 1-30
 *   I2 invoice 2024-02-26 due 2024-03-27,   500.00                                   → 500.00, −20 days → not_due
 *   P2 unapplied cash 2024-03-05, 50.00                                              → −50.00 not_due
 *
 * Outstanding 600 + 500 − 50 = 1,050.00; gross 1,100.00; overdue 600.00.
 * Without configured rates the loss of the 1,100.00 is unknown: loss_rate null, no_history.
 * With lossRates {not_due: 0.01, 1-30: 0.05, 31-60: 0.2, 61+: 0.5} as fallback:
 * 600.00 × 0.05 = 30.00 + 500.00 × 0.01 = 5.00 → 35.00.
 */
const settings = { aging: { buckets: [30, 60] }, history: { months: 3 }, expectedLoss: { lookbackMonths: 2, segmentBy: "none" } } as const;

async function firstWeeks() {
  const wh = await emptyWarehouse();
  await insertRaw(wh, "customers", [{ customer_id: "C1", customer_name: "Chao Phraya Trading", credit_limit: "5000.00" }]);
  await insertRaw(wh, "invoices", [
    { document_id: "I1", customer_id: "C1", document_type: "invoice", document_date: "2024-02-15", due_date: "2024-02-20", amount: "1000.00" },
    { document_id: "I2", customer_id: "C1", document_type: "invoice", document_date: "2024-02-26", due_date: "2024-03-27", amount: "500.00" },
  ]);
  await insertRaw(wh, "payments", [
    { payment_id: "P1", customer_id: "C1", payment_date: "2024-03-01", amount: "400.00", document_id: "I1" },
    { payment_id: "P2", customer_id: "C1", payment_date: "2024-03-05", amount: "50.00", document_id: null },
  ]);
  return wh;
}

const MARTS = `select table_name from information_schema.tables where table_schema = 'marts' order by table_name`;

describe("a company's first month of ledger", () => {
  it("builds every mart, with the expected credit loss unknown rather than 0, and says so in a warning", async () => {
    const wh = await firstWeeks();
    const result = await build(wh, "2024-03-07", parseConfig(settings));
    const built = (await wh.all<{ table_name: string }>(MARTS)).map((r) => `marts.${r.table_name}`);
    expect(built).toEqual(loadProject().filter((m) => m.layer === "marts").map((m) => m.id).sort());

    expect(await wh.all("select aging_bucket, gross_amount, loss_rate, rate_source, expected_loss from marts.fct_customer_expected_loss order by bucket_order")).toEqual([
      { aging_bucket: "not_due", gross_amount: "500.00", loss_rate: null, rate_source: "no_history", expected_loss: null },
      { aging_bucket: "1-30", gross_amount: "600.00", loss_rate: null, rate_source: "no_history", expected_loss: null },
    ]);
    expect(await wh.all("select aging_bucket, gross_amount, expected_loss from marts.fct_expected_loss order by bucket_order")).toEqual([
      { aging_bucket: "not_due", gross_amount: "500.00", expected_loss: null },
      { aging_bucket: "1-30", gross_amount: "600.00", expected_loss: null },
      { aging_bucket: "31-60", gross_amount: "0.00", expected_loss: "0.00" },
      { aging_bucket: "61+", gross_amount: "0.00", expected_loss: "0.00" },
    ]);
    expect(await wh.all("select outstanding_amount, gross_amount, overdue_amount, expected_credit_loss, gross_without_loss_rate from marts.rpt_headline")).toEqual([
      { outstanding_amount: "1050.00", gross_amount: "1100.00", overdue_amount: "600.00", expected_credit_loss: null, gross_without_loss_rate: "1100.00" },
    ]);

    const warned = result.tests.filter((t) => t.failures > 0).map((t) => [t.test.name, t.test.severity, t.failures]);
    expect(warned).toContainEqual(["loss_rate_unknown__fct_customer_expected_loss", "warn", 2]);
    expect(warned.filter(([, severity]) => severity === "error")).toEqual([]);
    wh.close();
  });

  it("uses the configured loss rates until there is history, and says they stood in", async () => {
    const wh = await firstWeeks();
    const lossRates = { not_due: 0.01, "1-30": 0.05, "31-60": 0.2, "61+": 0.5 };
    const result = await build(wh, "2024-03-07", parseConfig({ ...settings, expectedLoss: { ...settings.expectedLoss, lossRates } }));
    expect(await wh.all("select aging_bucket, loss_rate, rate_source, expected_loss from marts.fct_customer_expected_loss order by bucket_order")).toEqual([
      { aging_bucket: "not_due", loss_rate: "0.010000", rate_source: "fallback", expected_loss: "5.00" },
      { aging_bucket: "1-30", loss_rate: "0.050000", rate_source: "fallback", expected_loss: "30.00" },
    ]);
    expect(await wh.all("select expected_credit_loss, gross_without_loss_rate from marts.rpt_headline")).toEqual([
      { expected_credit_loss: "35.00", gross_without_loss_rate: "0.00" },
    ]);
    expect(result.tests.filter((t) => t.failures > 0 && t.test.name.startsWith("loss_rate_unknown"))).toEqual([]);
    wh.close();
  });

  it("still refuses a missing rate where there is history behind it", async () => {
    const wh = await firstWeeks();
    await build(wh, "2024-03-07", parseConfig(settings));
    const [test] = await wh.all<{ sql: string }>("select sql from meta.test_results where test_name = 'loss_rate_known_with_history__fct_customer_expected_loss'");
    expect(await wh.all(test!.sql)).toEqual([]);
    // The same query finds a null rate that claims to come from the segment's history.
    await wh.run("update marts.fct_customer_expected_loss set rate_source = 'segment' where aging_bucket = 'not_due'");
    expect(await wh.all(test!.sql)).toHaveLength(1);
    wh.close();
  });

  it("builds every mart from an empty ledger, with a headline of zeros", async () => {
    const wh = await emptyWarehouse();
    await build(wh, "2024-03-07", parseConfig(settings));
    const built = (await wh.all<{ table_name: string }>(MARTS)).map((r) => `marts.${r.table_name}`);
    expect(built).toEqual(loadProject().filter((m) => m.layer === "marts").map((m) => m.id).sort());
    expect(await wh.all("select outstanding_amount, open_items, customers, expected_credit_loss, gross_without_loss_rate, dso from marts.rpt_headline")).toEqual([
      { outstanding_amount: "0.00", open_items: "0", customers: "0", expected_credit_loss: "0.00", gross_without_loss_rate: "0.00", dso: null },
    ]);
    wh.close();
  });
});
