import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { literal, type Warehouse } from "../../core/warehouse.ts";
import { CUSTOMER_HEADER, openIngestWorkspace, PAYMENT_HEADER, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

let dir: string, wh: Warehouse, write: IngestWorkspace["write"], load: IngestWorkspace["load"];

beforeEach(async () => {
  ({ dir, wh, write, load } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("ingest accepts what ERPs export", () => {
  it("reads a UTF-8 BOM, CRLF line ends, and quoted commas, quotes and line breaks", async () => {
    const body = `\uFEFF${CUSTOMER_HEADER}\r\nC1,"Acme, ""Best""\r\nTrading",Retail,North,Lan,lan@example.com,"1,000.50",30,usd,\r\n`;
    await load(write("customers.csv", body));
    const rows = await wh.all("select customer_id, customer_name, credit_limit, currency, status from raw.customers");
    expect(rows).toEqual([{ customer_id: "C1", customer_name: 'Acme, "Best"\r\nTrading', credit_limit: "1000.50", currency: "USD", status: "active" }]);
  });

  it.each([
    ["semicolons", ";"],
    ["tabs", "\t"],
  ])("reads a file delimited by %s", async (_name, d) => {
    const body = `${PAYMENT_HEADER.replaceAll(",", d)}\nP1${d}C1${d}15/03/2024${d}1234.56${d}USD${d}I1\n`;
    await load(write("payments.csv", body));
    expect(await wh.all("select payment_id, payment_date, amount, document_id from raw.payments")).toEqual([
      { payment_id: "P1", payment_date: "2024-03-15", amount: "1234.56", document_id: "I1" },
    ]);
  });

  it("accepts a header-only file with a warning, and ignores unknown columns with a notice", async () => {
    const { log } = await load(write("sales_orders.csv", "order_id,customer_id,order_date,unbilled_amount,currency,salesperson\n"));
    expect(log.lines).toContain("warning: sales_orders.csv: the file has a header but no rows");
    expect(log.lines).toContain("sales_orders.csv: ignoring columns not in the sales_orders contract: salesperson");
  });

  it("reads ERP-style headers such as 'Customer ID'", async () => {
    await load(write("credit_limits.csv", "Customer ID,Effective Date,Credit Limit\nC1,2024-01-01,500\n"));
    expect(await wh.all("select customer_id, effective_date, credit_limit, credit_term_days from raw.credit_limits")).toEqual([
      { customer_id: "C1", effective_date: "2024-01-01", credit_limit: "500.00", credit_term_days: null },
    ]);
  });

  it("reads Parquet and JSON Lines with the same columns", async () => {
    const parquet = join(dir, "in", "payments-2024-03.parquet");
    await wh.run(`copy (select 'P1' as payment_id, 'C1' as customer_id, date '2024-03-01' as payment_date, 10.5::decimal(18,2) as amount, null as document_id) to ${literal(parquet)} (format parquet)`);
    write("payments-2024-04.jsonl", '{"payment_id":"P2","customer_id":"C1","payment_date":"2024-04-01","amount":20,"document_id":"I9"}\n\n');
    await load(join(dir, "in"));
    expect(await wh.all("select payment_id, payment_date, amount, document_id from raw.payments order by payment_id")).toEqual([
      { payment_id: "P1", payment_date: "2024-03-01", amount: "10.50", document_id: null },
      { payment_id: "P2", payment_date: "2024-04-01", amount: "20.00", document_id: "I9" },
    ]);
  });
});

describe("ingest upserts by key and never applies a file twice", () => {
  it("replaces rows whose key a later extract restates, and keeps the others", async () => {
    await load(write("customers.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\nC2,Bee,Retail,North,Lan,,500,30,USD,\n`));
    await load(write("customers-restated.csv", `${CUSTOMER_HEADER}\nC1,Acme Ltd,Retail,North,Lan,,2000,45,USD,blocked\n`));
    expect(await wh.all("select customer_id, customer_name, credit_limit, status from raw.customers order by 1")).toEqual([
      { customer_id: "C1", customer_name: "Acme Ltd", credit_limit: "2000.00", status: "blocked" },
      { customer_id: "C2", customer_name: "Bee", credit_limit: "500.00", status: "active" },
    ]);
  });

  it("lets one payment pay several documents, and restates a payment as a whole by its payment_id", async () => {
    await load(write("payments.csv", `${PAYMENT_HEADER}\nP1,C1,2024-03-01,10,USD,I1\nP1,C1,2024-03-01,20,USD,I2\nP1,C1,2024-03-01,5,USD,\nP2,C1,2024-03-02,7,USD,I3\n`));
    expect(await wh.all("select count(*) as n from raw.payments where payment_id = 'P1'")).toEqual([{ n: "3" }]);
    await load(write("payments-fix.csv", `${PAYMENT_HEADER}\nP1,C1,2024-03-01,25,USD,I2\n`));
    // P1's rows for I1 and the unapplied 5 are gone with the restatement; P2, not in the file, stays.
    expect(await wh.all("select payment_id, document_id, amount from raw.payments order by all")).toEqual([
      { payment_id: "P1", document_id: "I2", amount: "25.00" },
      { payment_id: "P2", document_id: "I3", amount: "7.00" },
    ]);
  });

  it("skips a file whose content was loaded before, even under another name", async () => {
    const body = `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`;
    await load(write("customers.csv", body));
    await load(write("customers-b.csv", `${CUSTOMER_HEADER}\nC1,Acme Ltd,Retail,North,Lan,,1000,30,USD,\n`));
    const { outcomes, log } = await load(write("customers-again.csv", body));
    expect(outcomes.map((o) => o.outcome)).toEqual(["skipped_duplicate"]);
    expect(log.lines.some((l) => l.startsWith("customers-again.csv: already loaded (same content"))).toBe(true);
    // The re-sent old extract did not undo the later restatement.
    expect(await wh.all("select customer_name from raw.customers")).toEqual([{ customer_name: "Acme Ltd" }]);
  });

  it("frees its per-file staging tables once the load is done", async () => {
    await load(write("customers.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`));
    expect(await wh.all("select table_name from duckdb_tables() where temporary")).toEqual([]);
  });

  it("archives each accepted file by its sha256 and logs it", async () => {
    const body = `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`;
    const sha = createHash("sha256").update(body).digest("hex");
    await load(write("customers.csv", body));
    const archived = join(dir, "archive", "customers", `${sha}.csv`);
    expect(existsSync(archived)).toBe(true);
    expect(readFileSync(archived, "utf8")).toBe(body);
    expect(await wh.all("select file_name, entity, sha256, rows, bytes, outcome from meta.load_log")).toEqual([
      { file_name: "customers.csv", entity: "customers", sha256: sha, rows: "1", bytes: String(Buffer.byteLength(body)), outcome: "loaded" },
    ]);
    expect(await wh.all("select _source_file, _source_row from raw.customers")).toEqual([{ _source_file: "customers.csv", _source_row: 1 }]);
  });
});
