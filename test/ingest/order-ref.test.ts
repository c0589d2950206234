import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

let ws: IngestWorkspace;
beforeEach(async () => {
  ws = await openIngestWorkspace();
});
afterEach(() => ws.close());

const orderIds = () => ws.wh.all("select document_id, order_id from raw.invoices order by document_id");

describe("invoices.order_id (the sales order a document bills)", () => {
  it("is optional: read as text when present, null when empty or when the file has no such column", async () => {
    await ws.load(
      ws.write("invoices-1.csv", `${INVOICE_HEADER},order_id\nI1,C1,invoice,2024-03-01,,10.00,USD,, SO-7 \nI2,C1,invoice,2024-03-02,,10.00,USD,,\n`),
      ws.write("invoices-2.csv", `${INVOICE_HEADER}\nI3,C1,invoice,2024-03-03,,10.00,USD,\n`),
      ws.write("invoices-3.jsonl", `{"document_id":"I4","customer_id":"C1","document_type":"invoice","document_date":"2024-03-04","amount":"10.00","order_id":1001}\n`),
    );
    expect(await orderIds()).toEqual([
      { document_id: "I1", order_id: "SO-7" },
      { document_id: "I2", order_id: null },
      { document_id: "I3", order_id: null },
      { document_id: "I4", order_id: "1001" },
    ]);
  });

  it("is part of the row's content: naming an order restates the document, repeating it does not", async () => {
    await ws.load(ws.write("invoices-1.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-03-01,,10.00,USD,\n`));
    const body = `${INVOICE_HEADER},order_id\nI1,C1,invoice,2024-03-01,,10.00,USD,,SO1\n`;
    const { outcomes } = await ws.load(ws.write("invoices-2.csv", body));
    expect(outcomes.map((o) => [o.rowsWritten, o.rowsReplaced])).toEqual([[1, 1]]);
    const again = await ws.load(ws.write("invoices-3.csv", `${body}\n`));
    expect(again.outcomes.map((o) => [o.outcome, o.rowsWritten, o.rowsReplaced])).toEqual([["loaded", 0, 0]]);
    expect(await orderIds()).toEqual([{ document_id: "I1", order_id: "SO1" }]);
    expect(await ws.wh.all("select order_id, amount from raw_replaced.invoices")).toEqual([{ order_id: null, amount: "10.00" }]);
  });

  it("refuses a control character like any text value", async () => {
    const rejected = await ws.rejection(ws.write("invoices.csv", `${INVOICE_HEADER},order_id\nI1,C1,invoice,2024-03-01,,10.00,USD,,SO\u00011\n`));
    expect(rejected.details.join("\n")).toContain("column order_id");
    expect(await ws.wh.all("select count(*) as n from raw.invoices")).toEqual([{ n: "0" }]);
  });
});
