import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Warehouse } from "../../core/warehouse.ts";
import { CUSTOMER_HEADER, INVOICE_HEADER, openIngestWorkspace, PAYMENT_HEADER, type IngestWorkspace } from "../helpers/ingest-workspace.ts";
import { build, byKey } from "../helpers/warehouse.ts";

let wh: Warehouse, write: IngestWorkspace["write"], loadWithLog: IngestWorkspace["load"], rejection: IngestWorkspace["rejection"];

async function load(...paths: string[]) {
  return (await loadWithLog(...paths)).outcomes;
}

beforeEach(async () => {
  ({ wh, write, load: loadWithLog, rejection } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("a payment's rows in a file replace all its earlier rows", () => {
  // Worked by hand: INV1 and INV2 of 100 each, dated 2024-01-01, due 2024-01-31, as of 2024-03-31.
  // Payment P1 first pays 60 to INV1 and 40 to INV2: INV1 owes 40, INV2 owes 60, C1 owes 100.
  // Restated as 100 to INV1: INV1 owes 0 (no open item), INV2 owes 100, C1 still owes 100.
  // Upserting by payment_id + document_id would have kept the stale 40 to INV2: 140 applied, C1 owing 60.
  const invoices = `${INVOICE_HEADER}\nINV1,C1,invoice,2024-01-01,2024-01-31,100,USD,\nINV2,C1,invoice,2024-01-01,2024-01-31,100,USD,\n`;

  it("changes the payment's allocation, as the open items show", async () => {
    await load(write("invoices.csv", invoices), write("payments-2024-02.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\nP1,C1,2024-02-10,40,USD,INV2\n`));
    await build(wh, "2024-03-31");
    const before = await byKey(wh, "select document_id, outstanding_amount from marts.fct_open_items", "document_id");
    expect(before).toEqual({ INV1: { document_id: "INV1", outstanding_amount: "40.00" }, INV2: { document_id: "INV2", outstanding_amount: "60.00" } });

    await load(write("payments-2024-03.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,100,USD,INV1\n`));
    await build(wh, "2024-03-31");
    expect(await wh.all("select document_id, outstanding_amount from marts.fct_open_items")).toEqual([{ document_id: "INV2", outstanding_amount: "100.00" }]);
    expect(await wh.all("select customer_id, outstanding_amount from marts.dim_customers")).toEqual([{ customer_id: "C1", outstanding_amount: "100.00" }]);
    expect(await wh.all("select payment_id, document_id, amount from raw.payments")).toEqual([{ payment_id: "P1", document_id: "INV1", amount: "100.00" }]);
  });

  it("keeps the replaced rows, with the load that replaced them", async () => {
    const [first] = await load(write("payments-1.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\nP1,C1,2024-02-10,40,USD,INV2\n`));
    const [second] = await load(write("payments-2.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,100,USD,INV1\n`));
    expect(second!.rowsWritten).toBe(1);
    expect(second!.rowsReplaced).toBe(2);
    expect(await wh.all("select document_id, amount, _load_id = $1 as from_first, _replaced_by = $2 as by_second from raw_replaced.payments order by document_id", [first!.loadId, second!.loadId])).toEqual([
      { document_id: "INV1", amount: "60.00", from_first: true, by_second: true },
      { document_id: "INV2", amount: "40.00", from_first: true, by_second: true },
    ]);
  });
});

describe("a load writes only the rows that changed", () => {
  const rows = ["C1,Acme,Retail,North,Lan,,1000,30,USD,", "C2,Bee,Retail,North,Lan,,500,30,USD,", "C3,Cat,Retail,South,Mai,,,15,USD,"];

  it("leaves the warehouse as it is when the same full extract comes again, reordered, under another name", async () => {
    const [first] = await load(write("customers-2024-06-01.csv", `${CUSTOMER_HEADER}\n${rows.join("\n")}\n`));
    const before = await wh.all("select * from raw.customers order by customer_id");
    const [second] = await load(write("customers-2024-06-02.csv", `${CUSTOMER_HEADER}\n${[...rows].reverse().join("\n")}\n`));
    expect(second).toMatchObject({ outcome: "loaded", rows: 3, rowsWritten: 0, rowsReplaced: 0 });
    expect(await wh.all("select * from raw.customers order by customer_id")).toEqual(before);
    expect(await wh.all("select count(*) as n from raw_replaced.customers")).toEqual([{ n: "0" }]);
    expect(await wh.all("select distinct _load_id from raw.customers")).toEqual([{ _load_id: first!.loadId }]);
  });

  it("writes a changed row and a new row, keeps the one it replaced, and leaves unchanged rows with their lineage", async () => {
    const [first] = await load(write("customers-1.csv", `${CUSTOMER_HEADER}\n${rows.join("\n")}\n`));
    const changed = [rows[0], "C2,Bee,Retail,North,Lan,,600,30,USD,", rows[2], "C4,Dog,Retail,South,Mai,,100,15,USD,"];
    const [second] = await load(write("customers-2.csv", `${CUSTOMER_HEADER}\n${changed.join("\n")}\n`));
    expect(second).toMatchObject({ rows: 4, rowsWritten: 2, rowsReplaced: 1 });
    expect(await wh.all("select customer_id, credit_limit, _load_id = $1 as from_second, _source_file from raw.customers order by 1", [second!.loadId])).toEqual([
      { customer_id: "C1", credit_limit: "1000.00", from_second: false, _source_file: "customers-1.csv" },
      { customer_id: "C2", credit_limit: "600.00", from_second: true, _source_file: "customers-2.csv" },
      { customer_id: "C3", credit_limit: null, from_second: false, _source_file: "customers-1.csv" },
      { customer_id: "C4", credit_limit: "100.00", from_second: true, _source_file: "customers-2.csv" },
    ]);
    expect(await wh.all("select customer_id, credit_limit, _load_id = $1 as from_first from raw_replaced.customers", [first!.loadId])).toEqual([
      { customer_id: "C2", credit_limit: "500.00", from_first: true },
    ]);
    expect(await wh.all("select file_name, rows, rows_written, rows_replaced from meta.load_log order by load_seq")).toEqual([
      { file_name: "customers-1.csv", rows: "3", rows_written: "3", rows_replaced: "0" },
      { file_name: "customers-2.csv", rows: "4", rows_written: "2", rows_replaced: "1" },
    ]);
  });

  it("counts an empty value changed to a value, and back, as a change", async () => {
    await load(write("customers-1.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,,30,USD,\n`));
    const [second] = await load(write("customers-2.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,0,30,USD,\n`));
    // CRLF, so that the bytes differ from customers-1.csv, which would be skipped as already loaded.
    const [third] = await load(write("customers-3.csv", `${CUSTOMER_HEADER}\r\nC1,Acme,Retail,North,Lan,,,30,USD,\r\n`));
    expect([second!.rowsWritten, third!.rowsWritten]).toEqual([1, 1]);
    expect(await wh.all("select credit_limit from raw.customers")).toEqual([{ credit_limit: null }]);
  });
});

describe("a payment belongs to one customer and has one date", () => {
  it("rejects a file that gives one payment id two customers, naming the line, column, value and the other customer", async () => {
    const e = await rejection(write("payments.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\nP2,C1,2024-02-10,5,USD,\nP1,C2,2024-02-10,40,USD,INV2\n`));
    expect(e.details).toEqual([
      'payments.csv line 4, column customer_id, value "C2": payment_id "P1" already has customer "C1": a payment belongs to one customer (first on line 2)',
    ]);
    expect(await wh.all("select count(*) as n from raw.payments")).toEqual([{ n: "0" }]);
  });

  it("shows five examples and counts them all", async () => {
    const lines = Array.from({ length: 7 }, (_, i) => `P${i},C1,2024-02-10,1,USD,I${i}\nP${i},C2,2024-02-10,1,USD,J${i}`);
    const e = await rejection(write("payments.csv", `${PAYMENT_HEADER}\n${lines.join("\n")}\n`));
    expect(e.details).toHaveLength(6);
    expect(e.details[0]).toBe('payments.csv line 3, column customer_id, value "C2": payment_id "P0" already has customer "C1": a payment belongs to one customer (first on line 2)');
    expect(e.details[5]).toBe("payments.csv: 7 rows in all: customer_id: a payment belongs to one customer");
  });

  it("rejects a payment whose rows have two dates, which would make two open items of one payment", async () => {
    const e = await rejection(write("payments.csv", `${PAYMENT_HEADER}\nP1,C1,10/02/2024,10,USD,X1\nP1,C1,11/02/2024,5,USD,X2\n`));
    expect(e.details).toEqual([
      'payments.csv line 3, column payment_date, value "2024-02-11": payment_id "P1" already has payment_date "2024-02-10": a payment has one date (first on line 2)',
    ]);
  });

  it("lets a restatement move a payment to another customer, and the build then passes", async () => {
    await load(write("payments-1.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\nP1,C1,2024-02-10,40,USD,INV2\n`));
    await load(write("payments-2.csv", `${PAYMENT_HEADER}\nP1,C2,2024-02-10,100,USD,\n`));
    expect(await wh.all("select distinct customer_id from raw.payments")).toEqual([{ customer_id: "C2" }]);
    const result = await build(wh, "2024-03-31");
    expect(result.tests.filter((t) => t.test.severity === "error" && t.failures > 0)).toEqual([]);
    expect(await wh.all("select document_id, customer_id, outstanding_amount from marts.fct_open_items")).toEqual([
      { document_id: "P1", customer_id: "C2", outstanding_amount: "-100.00" },
    ]);
  });
});
