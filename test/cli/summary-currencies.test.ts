import { describe, expect, it } from "vitest";
import { summarize } from "../../cli/summary.ts";
import { parseConfig } from "../../core/config.ts";
import { multiCurrencyLedger } from "../helpers/multi-currency-ledger.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * The build summary's lines per currency (README: Several currencies), on the worked THB ledger:
 * THB 5,000.00; USD 749.50 − 100.00 = 649.50 = 27,356.75 − 3,650.00 = 23,706.75 THB at 36.5;
 * VND 1,000,000 (no minor unit) = 1,437.00 THB at 0.001437. The functional currency first.
 */
describe("the build summary by currency", () => {
  it("shows each currency in its own units and in THB, with the rate and its date", async () => {
    const wh = await multiCurrencyLedger();
    const result = await build(wh, "2024-03-31", parseConfig({ currency: "THB" }));
    const text = await summarize(wh, result);
    const lines = text.split("\n");
    const at = lines.indexOf("  By currency:");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual([
      "    THB 5,000.00",
      "    USD 649.50    = THB 23,706.75 at 36.5 THB per USD (rate of 2024-03-29)",
      "    VND 1,000,000 = THB 1,437.00 at 0.001437 THB per VND (rate of 2024-03-29)",
    ]);
    expect(text).toContain("Total outstanding    THB 30,143.75");
  });

  it("says nothing about currencies when everything is in the functional one", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1" }]);
    await insertRaw(wh, "invoices", [{ document_id: "I1", customer_id: "C1", document_type: "invoice", document_date: "2024-03-01", amount: "10.00", currency: "THB" }]);
    const result = await build(wh, "2024-03-31", parseConfig({ currency: "THB" }));
    expect(await summarize(wh, result)).not.toContain("By currency");
  });
});
