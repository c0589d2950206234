// Dates must not move with the machine's zone: the whole file runs away from UTC.
process.env.TZ = "America/New_York";

import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { literal, type Warehouse } from "../../core/warehouse.ts";
import { INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

let dir: string, wh: Warehouse, write: IngestWorkspace["write"], load: IngestWorkspace["load"];

const invoices = () =>
  wh.all("select document_id, customer_id, document_type, document_date, due_date, amount, applies_to, _source_row from raw.invoices order by _source_row");

beforeEach(async () => {
  ({ dir, wh, write, load } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("CSV values are read exactly as written", () => {
  it("loads a quoted 1,234.50 as 1234.50 and an empty last field as no reference", async () => {
    await load(write("invoices.csv", `${INVOICE_HEADER}\nX1,C1,invoice,2024-01-01,,"1,234.50",USD,\n`));
    expect(await invoices()).toEqual([
      { document_id: "X1", customer_id: "C1", document_type: "invoice", document_date: "2024-01-01", due_date: null, amount: "1234.50", applies_to: null, _source_row: 1 },
    ]);
  });

  it("accepts the largest amount the warehouse holds, exactly", async () => {
    await load(write("invoices.csv", `${INVOICE_HEADER}\nX1,C1,invoice,2024-01-01,,"9,999,999,999,999,999.99",USD,\nX2,C1,invoice,2024-01-01,,9999999999999999.99,USD,\n`));
    expect((await invoices()).map((r) => r.amount)).toEqual(["9999999999999999.99", "9999999999999999.99"]);
  });

  it("reads mixed-case headers, ignores an extra column, and trims spaces, no-break ones too, around values", async () => {
    const { log } = await load(write("invoices.csv", "Document ID,Customer ID,Document Type,Document Date,Amount,Region\n X1\u00a0,C1,Invoice,15/01/2024, 12.5 ,North\n"));
    expect(await invoices()).toEqual([
      { document_id: "X1", customer_id: "C1", document_type: "invoice", document_date: "2024-01-15", due_date: null, amount: "12.50", applies_to: null, _source_row: 1 },
    ]);
    expect(log.lines.join("\n")).toMatch(/ignoring columns not in the invoices contract: region/);
  });
});

describe("JSON Lines values are read exactly as written", () => {
  it("keeps a string id and a number id as the same kind of text, and number amounts to the cent", async () => {
    const lines = [
      '{"document_id":"1001","customer_id":"C1","document_type":"invoice","document_date":"2024-01-01","amount":90071992547409.93}',
      "",
      '{"document_id":1002,"customer_id":7,"document_type":"invoice","document_date":"2024-01-01","amount":1.10,"meta":{"note":[1,true]}}',
      '{"Document_ID":"1003","customer_id":"C1","document_type":"credit_note","document_date":"2024-01-02","Amount":"2,000.00","applies_to":1001}',
    ];
    await load(write("invoices.jsonl", `\uFEFF${lines.join("\r\n")}\r\n`));
    expect((await invoices()).map((r) => [r.document_id, r.customer_id, r.amount, r.applies_to, r._source_row])).toEqual([
      ["1001", "C1", "90071992547409.93", null, 1],
      ["1002", "7", "1.10", null, 3],
      ["1003", "C1", "2000.00", "1001", 4],
    ]);
  });
});

describe("Parquet values are read exactly in their own types", () => {
  it("reads DECIMAL, integer, DATE, midnight TIMESTAMP and exact DOUBLE columns to the cent and the day", async () => {
    const path = join(dir, "in", "invoices.parquet");
    await wh.run(
      `copy (select * from (values
         (1001::BIGINT, 'C1', 'invoice', DATE '2024-03-31', TIMESTAMP '2024-04-30 00:00:00', 1234.56::DOUBLE, 1.2300::DECIMAL(18,4)),
         (1002, 'C1', 'invoice', DATE '2024-12-31', null, 0.1::DOUBLE, 90071992547409.93::DECIMAL(18,2))
       ) t(document_id, customer_id, document_type, document_date, due_date, amount, promised))
       to ${literal(path)} (format parquet)`,
    );
    await load(path);
    expect((await invoices()).map((r) => [r.document_id, r.document_date, r.due_date, r.amount, r._source_row])).toEqual([
      ["1001", "2024-03-31", "2024-04-30", "1234.56", 1],
      ["1002", "2024-12-31", null, "0.10", 2],
    ]);
  });

  it("reads a DECIMAL(18,4) amount whose extra decimals are zeros", async () => {
    const path = join(dir, "in", "sales_orders.parquet");
    await wh.run(`copy (select 'O1' as order_id, 'C1' as customer_id, 1.2300::DECIMAL(18,4) as unbilled_amount) to ${literal(path)} (format parquet)`);
    await load(path);
    expect(await wh.all("select order_id, unbilled_amount from raw.sales_orders")).toEqual([{ order_id: "O1", unbilled_amount: "1.23" }]);
  });
});
