import { describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { loadProject } from "../../models/runner/project.ts";
import { build, emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";

/*
 * The largest amount an extract may hold is 9,999,999,999,999,999.99 (DECIMAL(18,2)). Two such
 * invoices of one customer add up to 19,999,999,999,999,999.98, which no DECIMAL(18,2) can
 * hold: every sum is computed and kept in DECIMAL(38,2).
 *
 *   B1 invoice 2024-01-10 due 2024-02-09 (50 days past due at 2024-03-30 → 31-60)
 *   B2 invoice 2024-03-01 due 2024-03-31 (not due)
 */
const MAX = "9999999999999999.99";
const TWICE = "19999999999999999.98";

describe("sums beyond DECIMAL(18,2)", () => {
  it("builds every mart from two invoices of 9,999,999,999,999,999.99 and totals them exactly", async () => {
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "BIG", customer_group: "Wholesale", credit_limit: MAX }]);
    await insertRaw(wh, "invoices", [
      { document_id: "B1", customer_id: "BIG", document_type: "invoice", document_date: "2024-01-10", due_date: "2024-02-09", amount: MAX },
      { document_id: "B2", customer_id: "BIG", document_type: "invoice", document_date: "2024-03-01", due_date: "2024-03-31", amount: MAX },
    ]);
    const config = parseConfig({ aging: { buckets: [30, 60] }, history: { months: 3 }, expectedLoss: { lookbackMonths: 2 } });
    await build(wh, "2024-03-30", config);

    const built = await wh.all<{ name: string }>("select table_schema || '.' || table_name as name from information_schema.tables where table_schema = 'marts' order by name");
    expect(built.map((r) => r.name)).toEqual(loadProject().filter((m) => m.layer === "marts").map((m) => m.id).sort());

    expect(await wh.all("select sum(outstanding_amount)::varchar as total from marts.rpt_aging")).toEqual([{ total: TWICE }]);
    expect(await wh.all("select outstanding_amount, gross_amount from marts.rpt_headline")).toEqual([{ outstanding_amount: TWICE, gross_amount: TWICE }]);
    expect(await wh.all("select outstanding_amount, exposure_amount, available_credit from marts.dim_customers")).toEqual([
      { outstanding_amount: TWICE, exposure_amount: TWICE, available_credit: `-${MAX}` },
    ]);
    // At 2024-02-29 only B1 was open; at the month-end of March (not yet reached) none is replayed.
    expect(await wh.all("select month_end, sum(outstanding_amount)::varchar as total from marts.fct_month_end_aging group by all order by month_end")).toEqual([
      { month_end: "2024-01-31", total: MAX },
      { month_end: "2024-02-29", total: MAX },
    ]);
    expect(await wh.all("select aging_bucket, outstanding_amount from marts.rpt_aging_by_bucket where outstanding_amount <> 0 order by bucket_order")).toEqual([
      { aging_bucket: "not_due", outstanding_amount: MAX },
      { aging_bucket: "31-60", outstanding_amount: MAX },
    ]);
    wh.close();
  });

  it("builds the KPIs of a month with a cent of credit sales against a receivable of a million", async () => {
    // At 2024-03-31: X 1,000,000.00 (due 2024-02-09) and DN 0.01 (raised 2024-03-05, due 2024-04-04).
    // DSO = 1,000,000.01 ÷ 0.01 × 31 = 3,100,000,031.00 days; BPDSO = 0.01 ÷ 0.01 × 31 = 31.00;
    // ADD = 3,100,000,000.00; CEI = (1,000,000.00 + 0.01 − 1,000,000.01) ÷ (1,000,000.00 + 0.01 − 0.01) × 100 = 0.00.
    const wh = await emptyWarehouse();
    await insertRaw(wh, "customers", [{ customer_id: "C1" }]);
    await insertRaw(wh, "invoices", [
      { document_id: "X", customer_id: "C1", document_type: "invoice", document_date: "2024-01-10", due_date: "2024-02-09", amount: "1000000.00" },
      { document_id: "DN", customer_id: "C1", document_type: "debit_note", document_date: "2024-03-05", due_date: "2024-04-04", amount: "0.01" },
    ]);
    await build(wh, "2024-03-31", parseConfig({ history: { months: 3 }, expectedLoss: { lookbackMonths: 2 } }));
    expect(await wh.all("select dso, bpdso, add_days, cei from marts.rpt_kpis_monthly where month_end = '2024-03-31'")).toEqual([
      { dso: "3100000031.00", bpdso: "31.00", add_days: "3100000000.00", cei: "0.00" },
    ]);
    wh.close();
  });
});
