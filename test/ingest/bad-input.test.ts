import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { memoryLogger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { ingest } from "../../ingest/ingest.ts";
import { IngestRejected } from "../../ingest/report.ts";
import { SPECS } from "../../ingest/specs.ts";
import { tempDir } from "../helpers/warehouse.ts";

const config = parseConfig({});
const INVOICE_HEADER = "document_id,customer_id,document_type,document_date,due_date,amount,currency,applies_to";
const CUSTOMER_HEADER = "customer_id,customer_name,customer_group,team,collector,collector_email,credit_limit,credit_term_days,currency,status";

let dir: string;
let wh: Warehouse;

/** Everything a reader could see: every raw table's rows, in a stable order. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const spec of SPECS) {
    const rows = await wh.all(`select * exclude (_loaded_at) from raw.${spec.entity} order by all`);
    parts.push(`${spec.entity}:${JSON.stringify(rows)}`);
  }
  const loaded = await wh.all("select file_name, sha256, rows from meta.load_log where outcome = 'loaded' order by all");
  return `${parts.join("\n")}\n${JSON.stringify(loaded)}`;
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, "in", name);
  writeFileSync(path, content);
  return path;
}

async function rejection(paths: string[]): Promise<IngestRejected> {
  try {
    await ingest(wh, paths, { config, log: memoryLogger(), archiveDir: join(dir, "archive") });
  } catch (e) {
    if (e instanceof IngestRejected) return e;
    throw e;
  }
  throw new Error("expected the ingest to be rejected");
}

beforeEach(async () => {
  dir = tempDir();
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "in"));
  mkdirSync(join(dir, "good"));
  wh = await openWarehouse(join(dir, "warehouse.duckdb"));
  writeFileSync(join(dir, "good", "customers.csv"), `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,lan@example.com,1000,30,USD,active\n`);
  writeFileSync(join(dir, "good", "invoices.csv"), `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,2024-01-31,100.00,USD,\n`);
  await ingest(wh, [join(dir, "good")], { config, log: memoryLogger(), archiveDir: join(dir, "archive") });
});

afterEach(() => wh.close());

const invoices = (...rows: string[]) => `${INVOICE_HEADER}\n${rows.join("\n")}\n`;

describe("ingest rejects bad input, names file, line, column and value, and changes nothing", () => {
  it.each([
    [
      "a wrong type",
      "invoices-a.csv",
      invoices("X1,C1,invoice,2024-01-01,,12.50,USD,", "X2,C1,invoice,2024-01-01,,abc,USD,"),
      'invoices-a.csv line 3, column amount, value "abc": not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)',
    ],
    [
      "a missing required column",
      "invoices-b.csv",
      "document_id,customer_id,document_type,document_date\nX1,C1,invoice,2024-01-01\n",
      "invoices-b.csv line 1, column amount: a required column is missing (the header has: document_id, customer_id, document_type, document_date)",
    ],
    [
      "a duplicate key",
      "invoices-c.csv",
      invoices("X1,C1,invoice,2024-01-01,,1,USD,", "X2,C1,invoice,2024-01-01,,2,USD,", "X1,C1,invoice,2024-01-02,,3,USD,"),
      'invoices-c.csv line 4, column document_id, value "X1": a duplicate key: an earlier line of this file has the same document_id (first on line 2)',
    ],
    [
      "an unknown document_type",
      "invoices-d.csv",
      invoices("X1,C1,receipt,2024-01-01,,1,USD,"),
      'invoices-d.csv line 2, column document_type, value "receipt": not one of: invoice, debit_note, credit_note, write_off',
    ],
    [
      "a negative amount",
      "invoices-e.csv",
      invoices("X1,C1,invoice,2024-01-01,,-5.00,USD,"),
      'invoices-e.csv line 2, column amount, value "-5.00": must be greater than 0',
    ],
    [
      "a zero amount",
      "invoices-e0.csv",
      invoices("X1,C1,invoice,2024-01-01,,0,USD,"),
      'invoices-e0.csv line 2, column amount, value "0": must be greater than 0',
    ],
    [
      "31 February",
      "invoices-f.csv",
      invoices("X1,C1,invoice,31/02/2024,,1,USD,"),
      'invoices-f.csv line 2, column document_date, value "31/02/2024": not a real date (expected YYYY-MM-DD or DD/MM/YYYY)',
    ],
    ["an empty file", "invoices-g.csv", "", "invoices-g.csv: the file is empty: no header line"],
    [
      "a truncated last line",
      "invoices-h.csv",
      `${INVOICE_HEADER}\nX1,C1,invoice,2024-01-01,,1,USD,\nX2,C1,invoice,2024-0`,
      'invoices-h.csv line 3, column due_date, value "X2,C1,invoice,2024-0": the line has fewer fields than the header (truncated line?)',
    ],
    [
      "a foreign currency",
      "invoices-i.csv",
      invoices("X1,C1,invoice,2024-01-01,,1,EUR,"),
      'invoices-i.csv line 2, column currency, value "EUR": not the configured currency USD (multi-currency extracts are not supported yet)',
    ],
    [
      "a missing required value",
      "invoices-j.csv",
      invoices("X1,,invoice,2024-01-01,,1,USD,"),
      "invoices-j.csv line 2, column customer_id, value (empty): a required value is missing",
    ],
    [
      "an amount with three decimals (never rounded silently)",
      "invoices-k.csv",
      invoices("X1,C1,invoice,2024-01-01,,10.005,USD,"),
      'invoices-k.csv line 2, column amount, value "10.005": not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)',
    ],
    [
      "a legacy code page (Latin-1)",
      "customers-l.csv",
      Buffer.concat([Buffer.from(`${CUSTOMER_HEADER}\nC9,Caf`), Buffer.from([0xe9]), Buffer.from(",Retail,North,Lan,,,,USD,\n")]),
      'customers-l.csv line 2, column customer_name: not valid UTF-8: save the extract as UTF-8',
    ],
    [
      "a quote never closed",
      "customers-m.csv",
      `${CUSTOMER_HEADER}\nC9,"Acme,Retail,North,Lan,,,,USD,\nC10,Bee,Retail,North,Lan,,,,USD,\n`,
      "customers-m.csv line 2: a quoted field is never closed",
    ],
    [
      "a Buddhist-era year",
      "invoices-n.csv",
      invoices("X1,C1,invoice,2567-01-15,,1,USD,"),
      'invoices-n.csv line 2, column document_date, value "2567-01-15": the year is out of range 1900-2200 (a Buddhist-era year? 2567 BE = 2024 CE)',
    ],
    [
      "a malformed e-mail address",
      "customers-o.csv",
      `${CUSTOMER_HEADER}\nC9,Bee,Retail,North,Lan,"lan@example.com\nBcc: all@example.com",,,USD,\n`,
      'customers-o.csv line 2, column collector_email, value "lan@example.com\\nBcc: all@example.com": not an e-mail address',
    ],
    [
      "a bad value after a field with a line break (lines, not rows, are counted)",
      "customers-p.csv",
      `${CUSTOMER_HEADER}\nC8,"Two\nLines",Retail,North,Lan,,,,USD,\nC9,Bee,Retail,North,Lan,,12x,,USD,\n`,
      'customers-p.csv line 4, column credit_limit, value "12x": not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)',
    ],
    [
      "a header naming a column twice",
      "customers-q.csv",
      "customer_id,customer_name,Customer Name\nC9,a,b\n",
      "customers-q.csv line 1, column Customer Name: the header names this column twice",
    ],
  ])("%s", async (_kind, name, content, expected) => {
    const before = await snapshot();
    const error = await rejection([write(name, content)]);
    expect(error.details).toContain(expected);
    expect(error.message).toBe(`ingest rejected: ${name} has problems; nothing was loaded`);
    expect(await snapshot()).toBe(before);
  });

  it("loads none of the files when one of several is bad", async () => {
    const before = await snapshot();
    const good = write("customers-new.csv", `${CUSTOMER_HEADER}\nC2,Bee,Retail,North,Lan,,,,USD,\n`);
    const bad = write("invoices-bad.csv", invoices("X1,C2,invoice,2024-13-01,,1,USD,"));
    const error = await rejection([good, bad]);
    expect(error.details).toEqual(['invoices-bad.csv line 2, column document_date, value "2024-13-01": not a real date (expected YYYY-MM-DD or DD/MM/YYYY)']);
    expect(await snapshot()).toBe(before);
  });

  it("counts every row with the same problem and shows the first five", async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `X${i},C1,invoice,2024-01-01,,-1,USD,`);
    const error = await rejection([write("invoices-many.csv", invoices(...rows))]);
    expect(error.details.filter((d) => d.includes("must be greater than 0") && d.includes("line"))).toHaveLength(5);
    expect(error.details).toContain("invoices-many.csv: 8 rows in all: amount: must be greater than 0");
  });

  it("records the rejected file in the load log", async () => {
    await rejection([write("invoices-r.csv", invoices("X1,C1,invoice,2024-01-01,,-1,USD,"))]);
    const rows = await wh.all("select file_name, outcome, message from meta.load_log where outcome = 'rejected'");
    expect(rows).toEqual([{ file_name: "invoices-r.csv", outcome: "rejected", message: 'invoices-r.csv line 2, column amount, value "-1": must be greater than 0' }]);
  });

  it("refuses a file whose name names no entity", async () => {
    await expect(ingest(wh, [write("receipts.csv", "a\n1\n")], { config, log: memoryLogger(), archiveDir: join(dir, "archive") })).rejects.toThrow(
      /receipts\.csv: not an extract: its name does not start with an entity/,
    );
  });
});
