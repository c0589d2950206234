import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { INVOICE_HEADER, PAYMENT_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";
import { build } from "../helpers/warehouse.ts";

/*
 * Allocation per source (README: Allocation). The top-level allocation is as_named; the source
 * `bank` (a bank statement naming no invoice) sets fifo. As of 2024-03-31, customer C1:
 *   I1 invoice 100.00 due 2024-02-09, I2 invoice 80.00 due 2024-03-11 (invoices.csv).
 *   P1 30.00 on 2024-03-01, naming nothing (payments.csv, canonical: as_named): stays unapplied.
 *   B1 120.00 on 2024-03-15, naming nothing (bank-2024-03.csv, source bank: fifo): pays the oldest
 *   due first, I1 100.00, then I2 20.00, so I2 has 60.00 left.
 * Open: I2 60.00 (20 days past due: 1-30) and P1 −30.00 (its own date, 30 days: 1-30), total
 * 30.00 = 180.00 − 30.00 − 120.00.
 */
const open: IngestWorkspace[] = [];
afterEach(() => {
  for (const w of open.splice(0)) w.close();
});

const BANK = {
  name: "bank",
  files: "bank-*.csv",
  entity: "payments",
  allocation: "fifo",
  columns: { payment_id: "Reference", customer_id: "Payer", payment_date: "Value date", amount: "Credit", currency: null, document_id: null },
};

async function ledger(config: Record<string, unknown>) {
  const parsed = parseConfig(config);
  const w = await openIngestWorkspace(parsed);
  open.push(w);
  await w.load(
    w.write("invoices.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-10,2024-02-09,100.00,,\nI2,C1,invoice,2024-02-10,2024-03-11,80.00,,\n`),
    w.write("payments.csv", `${PAYMENT_HEADER}\nP1,C1,2024-03-01,30.00,,\n`),
    w.write("bank-2024-03.csv", "Reference,Payer,Value date,Credit\nB1,C1,2024-03-15,120.00\n"),
  );
  await build(w.wh, "2024-03-31", parsed);
  return w.wh;
}

describe("allocation set per source", () => {
  it("allocates FIFO only the cash its source allocates so; the rest stays as named", async () => {
    const wh = await ledger({ allocation: "as_named", sources: [BANK] });
    expect(await wh.all("select document_id, outstanding_amount::varchar as outstanding, aging_bucket from marts.fct_open_items order by document_id")).toEqual([
      { document_id: "I2", outstanding: "60.00", aging_bucket: "1-30" },
      { document_id: "P1", outstanding: "-30.00", aging_bucket: "1-30" },
    ]);
    expect(await wh.all("select allocation, fifo_sources, payments, cash_amount::varchar as cash from marts.rpt_fifo_allocation")).toEqual([
      { allocation: "as_named", fifo_sources: ["bank"], payments: 1, cash: "120.00" },
    ]);
    expect(await wh.all("select payment_id, allocation from staging.stg_payments order by payment_id")).toEqual([
      { payment_id: "B1", allocation: "fifo" },
      { payment_id: "P1", allocation: "as_named" },
    ]);
    // The month-end replay allocates alike: March's month-end is the as-of date.
    expect(await wh.all("select sum(outstanding_amount)::varchar as total from marts.fct_month_end_aging where month_end = '2024-03-31'")).toEqual([{ total: "30.00" }]);
  });

  it("with fifo at the top level and as_named for the source, the other way round", async () => {
    // P1 pays I1 30.00 (70.00 left); B1 stays unapplied: I1 70.00, I2 80.00, B1 −120.00.
    const wh = await ledger({ allocation: "fifo", sources: [{ ...BANK, allocation: "as_named" }] });
    expect(await wh.all("select document_id, outstanding_amount::varchar as outstanding from marts.fct_open_items order by document_id")).toEqual([
      { document_id: "B1", outstanding: "-120.00" },
      { document_id: "I1", outstanding: "70.00" },
      { document_id: "I2", outstanding: "80.00" },
    ]);
  });
});
