import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { literal, type Warehouse } from "../../core/warehouse.ts";
import { ingest } from "../../ingest/ingest.ts";
import { SPECS } from "../../ingest/specs.ts";
import { CUSTOMER_HEADER, INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

// The messages, written out from the extract contract (README), not copied from a run.
const AMOUNT_BAD = "not an amount with at most 2 decimals (e.g. 1234.56 or 1,234.56)";
const TOO_LARGE = "too large: the largest amount is 9,999,999,999,999,999.99";
const DATE_BAD = "not a real date (expected YYYY-MM-DD or DD/MM/YYYY)";
const MORE = "the line has more fields than the header's 8 (a delimiter in an unquoted value, such as 1,234.50? quote it)";
const FEWER = "the line has fewer fields than the header's 8 (a truncated line?)";
const BEFORE_1900 = "the year is before 1900 (a 2-digit year such as 24? write it in full: 2024)";
const AFTER_2200 = "the year is after 2200 (a Buddhist-era year? 2567 BE = 2024 CE)";
const CONTROL = "contains a tab or a control character (such as NUL): remove it";
const MISSING = "a required value is missing";
const UTF16 = "this file is UTF-16: save it as UTF-8 (in Excel: CSV UTF-8)";
const NOT_UTF8 = "not valid UTF-8: save the extract as UTF-8";
const NESTED_JSON = "a JSON object or array where one value is expected";

let dir: string, wh: Warehouse, write: IngestWorkspace["write"], rejection: IngestWorkspace["rejection"], options: IngestWorkspace["options"];

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

async function openWithGoodData(): Promise<void> {
  ({ dir, wh, write, rejection, options } = await openIngestWorkspace());
  mkdirSync(join(dir, "good"));
  writeFileSync(join(dir, "good", "customers.csv"), `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,lan@example.com,1000,30,USD,active\n`);
  writeFileSync(join(dir, "good", "invoices.csv"), `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,2024-01-31,100.00,USD,\n`);
  await ingest(wh, [join(dir, "good")], options());
}

const invoices = (...rows: string[]) => `${INVOICE_HEADER}\n${rows.join("\n")}\n`;
const customers = (...rows: string[]) => `${CUSTOMER_HEADER}\n${rows.join("\n")}\n`;
const ok = "X0,C1,invoice,2024-01-01,,1.00,USD,";
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
const utf16beNoBom = (text: string) => Buffer.from(text, "utf16le").swap16();
/** A JSON Lines invoice; `extra` is spliced in raw, so that numbers keep the text a test writes. */
const jl = (id: string, extra = '"amount":"1.00"') =>
  `{"document_id":"${id}","customer_id":"C1","document_type":"invoice","document_date":"2024-01-01",${extra}}`;

type Case = [kind: string, name: string, content: string | Buffer, expected: string[]];

const CSV_CASES: Case[] = [
  ["a wrong type", "invoices-a.csv", invoices("X1,C1,invoice,2024-01-01,,12.50,USD,", "X2,C1,invoice,2024-01-01,,abc,USD,"), [`invoices-a.csv line 3, column amount, value "abc": ${AMOUNT_BAD}`]],
  [
    "a missing required column",
    "invoices-b.csv",
    "document_id,customer_id,document_type,document_date\nX1,C1,invoice,2024-01-01\n",
    ["invoices-b.csv line 1, column amount: a required column is missing (the header has: document_id, customer_id, document_type, document_date)"],
  ],
  [
    "a duplicate key",
    "invoices-c.csv",
    invoices("X1,C1,invoice,2024-01-01,,1,USD,", "X2,C1,invoice,2024-01-01,,2,USD,", "X1,C1,invoice,2024-01-02,,3,USD,"),
    ['invoices-c.csv line 4, column document_id, value "X1": a duplicate key: an earlier line of this file has the same document_id (first on line 2)'],
  ],
  ["an unknown document_type", "invoices-d.csv", invoices("X1,C1,receipt,2024-01-01,,1,USD,"), ['invoices-d.csv line 2, column document_type, value "receipt": not one of: invoice, debit_note, credit_note, write_off']],
  ["a negative amount", "invoices-e.csv", invoices("X1,C1,invoice,2024-01-01,,-5.00,USD,"), ['invoices-e.csv line 2, column amount, value "-5.00": must be greater than 0']],
  ["a zero amount", "invoices-e0.csv", invoices("X1,C1,invoice,2024-01-01,,0,USD,"), ['invoices-e0.csv line 2, column amount, value "0": must be greater than 0']],
  ["31 February", "invoices-f.csv", invoices("X1,C1,invoice,31/02/2024,,1,USD,"), [`invoices-f.csv line 2, column document_date, value "31/02/2024": ${DATE_BAD}`]],
  ["29 February of a common year", "invoices-f2.csv", invoices("X1,C1,invoice,2023-02-29,,1,USD,"), [`invoices-f2.csv line 2, column document_date, value "2023-02-29": ${DATE_BAD}`]],
  ["a date with a time of day", "invoices-f3.csv", invoices("X1,C1,invoice,2024-01-01 10:00,,1,USD,"), [`invoices-f3.csv line 2, column document_date, value "2024-01-01 10:00": ${DATE_BAD}`]],
  ["an empty file", "invoices-g.csv", "", ["invoices-g.csv: the file is empty: no header line"]],
  ["a truncated last line", "invoices-h.csv", `${INVOICE_HEADER}\nX1,C1,invoice,2024-01-01,,1,USD,\nX2,C1,invoice,2024-0`, [`invoices-h.csv line 3, value "X2,C1,invoice,2024-0": ${FEWER}`]],
  [
    "one short line, counted once (not once per missing column)",
    "invoices-h2.csv",
    invoices(ok, "X1,C1,invoice"),
    [`invoices-h2.csv line 3, value "X1,C1,invoice": ${FEWER}`],
  ],
  [
    "seven short lines: five shown, seven counted",
    "invoices-h3.csv",
    invoices(...Array.from({ length: 7 }, (_, i) => `X${i + 1},C1,invoice`)),
    [
      ...Array.from({ length: 5 }, (_, i) => `invoices-h3.csv line ${i + 2}, value "X${i + 1},C1,invoice": ${FEWER}`),
      `invoices-h3.csv: 7 rows in all: ${FEWER}`,
    ],
  ],
  [
    "an unquoted 1,234.50 with an empty last field (DuckDB drops that field)",
    "invoices-t.csv",
    invoices(ok, "X1,C1,invoice,2024-01-01,,1,234.50,USD,"),
    [`invoices-t.csv line 3, value "X1,C1,invoice,2024-01-01,,1,234.50,USD,": ${MORE}`],
  ],
  ["one field too many, the last filled", "invoices-t2.csv", invoices("X1,C1,invoice,2024-01-01,,1,234.50,USD,I9"), [`invoices-t2.csv line 2, value "X1,C1,invoice,2024-01-01,,1,234.50,USD,I9": ${MORE}`]],
  [
    "two fields too many",
    "invoices-t3.csv",
    invoices(ok, "X1,C1,invoice,2024-01-01,,1,234.50,USD,I9,x"),
    [
      'invoices-t3.csv line 3, value "X1,C1,invoice,2024-01-01,,1,234.50,USD,I9,x": the line has more fields than the header (a delimiter in an unquoted value, such as 1,234.50? quote it)',
    ],
  ],
  ["a currency that is no ISO 4217 code", "invoices-i.csv", invoices("X1,C1,invoice,2024-01-01,,1,EURO,"), ['invoices-i.csv line 2, column currency, value "EURO": not an ISO 4217 currency code (e.g. USD, VND, THB)']],
  ["a missing required value", "invoices-j.csv", invoices("X1,,invoice,2024-01-01,,1,USD,"), [`invoices-j.csv line 2, column customer_id, value (empty): ${MISSING}`]],
  ["a required value of spaces only", "invoices-j2.csv", invoices("X1,   ,invoice,2024-01-01,,1,USD,"), [`invoices-j2.csv line 2, column customer_id, value "   ": ${MISSING}`]],
  ["an id of a tab and a no-break space", "invoices-j3.csv", invoices("X1,\t\u00a0,invoice,2024-01-01,,1,USD,"), [`invoices-j3.csv line 2, column customer_id, value "\\t\u00a0": ${CONTROL}`]],
  ["an id ending in a tab", "invoices-j4.csv", invoices("X1\t,C1,invoice,2024-01-01,,1,USD,"), [`invoices-j4.csv line 2, column document_id, value "X1\\t": ${CONTROL}`]],
  ["an amount with three decimals (never rounded silently)", "invoices-k.csv", invoices("X1,C1,invoice,2024-01-01,,10.005,USD,"), [`invoices-k.csv line 2, column amount, value "10.005": ${AMOUNT_BAD}`]],
  ["an amount in scientific notation", "invoices-k2.csv", invoices("X1,C1,invoice,2024-01-01,,1.5E3,USD,"), [`invoices-k2.csv line 2, column amount, value "1.5E3": ${AMOUNT_BAD}`]],
  [
    "NaN and Infinity amounts",
    "invoices-k3.csv",
    invoices("X1,C1,invoice,2024-01-01,,NaN,USD,", "X2,C1,invoice,2024-01-01,,Infinity,USD,"),
    [`invoices-k3.csv line 2, column amount, value "NaN": ${AMOUNT_BAD}`, `invoices-k3.csv line 3, column amount, value "Infinity": ${AMOUNT_BAD}`],
  ],
  ["an amount with a currency sign", "invoices-k4.csv", invoices('X1,C1,invoice,2024-01-01,,"$100.00",USD,'), [`invoices-k4.csv line 2, column amount, value "$100.00": ${AMOUNT_BAD}`]],
  ["an accounting negative in brackets", "invoices-k5.csv", invoices("X1,C1,invoice,2024-01-01,,(100.00),USD,"), [`invoices-k5.csv line 2, column amount, value "(100.00)": ${AMOUNT_BAD}`]],
  ["a space as thousands separator", "invoices-k6.csv", invoices("X1,C1,invoice,2024-01-01,,1 234.50,USD,"), [`invoices-k6.csv line 2, column amount, value "1 234.50": ${AMOUNT_BAD}`]],
  ["a decimal comma (semicolon file)", "invoices-k7.csv", INVOICE_HEADER.replaceAll(",", ";") + "\nX1;C1;invoice;2024-01-01;;12,50;USD;\n", [`invoices-k7.csv line 2, column amount, value "12,50": ${AMOUNT_BAD}`]],
  [
    "a 19-digit amount does not stop the file's other checks",
    "invoices-k8.csv",
    invoices("X1,C1,invoice,2024-01-01,,1234567890123456789.00,USD,", "X2,C1,invoice,2024-02-30,,1,USD,"),
    [`invoices-k8.csv line 3, column document_date, value "2024-02-30": ${DATE_BAD}`, `invoices-k8.csv line 2, column amount, value "1234567890123456789.00": ${TOO_LARGE}`],
  ],
  ["10^16, one more than the largest amount", "invoices-k9.csv", invoices("X1,C1,invoice,2024-01-01,,\"10,000,000,000,000,000.00\",USD,"), [`invoices-k9.csv line 2, column amount, value "10,000,000,000,000,000.00": ${TOO_LARGE}`]],
  [
    "a legacy code page (Latin-1)",
    "customers-l.csv",
    Buffer.concat([Buffer.from(`${CUSTOMER_HEADER}\nC9,Caf`), Buffer.from([0xe9]), Buffer.from(",Retail,North,Lan,,,,USD,\n")]),
    [`customers-l.csv line 2, column customer_name: ${NOT_UTF8}`],
  ],
  ["UTF-16 without a byte-order mark", "invoices-w2.csv", utf16beNoBom(invoices("X1,C1,invoice,2024-01-01,,1,USD,")), [`invoices-w2.csv: ${UTF16}`]],
  ["a quote never closed", "customers-m.csv", customers('C9,"Acme,Retail,North,Lan,,,,USD,', "C10,Bee,Retail,North,Lan,,,,USD,"), ["customers-m.csv line 2: a quoted field is never closed"]],
  [
    "text after a closing quote",
    "invoices-m2.csv",
    invoices('X1,"C1"x,invoice,2024-01-01,,1,USD,'),
    ['invoices-m2.csv line 2, column customer_id, value "X1,\\"C1\\"x,invoice,2024-01-01,,1,USD,": a quoted field has text after its closing quote'],
  ],
  ["a Buddhist-era year", "invoices-n.csv", invoices("X1,C1,invoice,2567-01-15,,1,USD,"), [`invoices-n.csv line 2, column document_date, value "2567-01-15": ${AFTER_2200}`]],
  ["a 2-digit year (DD/MM/YY)", "invoices-n2.csv", invoices("X1,C1,invoice,15/01/24,,1,USD,"), [`invoices-n2.csv line 2, column document_date, value "15/01/24": ${BEFORE_1900}`]],
  ["a 2-digit year (YY-MM-DD)", "invoices-n3.csv", invoices("X1,C1,invoice,2024-01-01,24-02-15,1,USD,"), [`invoices-n3.csv line 2, column due_date, value "24-02-15": ${BEFORE_1900}`]],
  ["the year 1899", "invoices-n4.csv", invoices("X1,C1,invoice,1899-12-31,,1,USD,"), [`invoices-n4.csv line 2, column document_date, value "1899-12-31": ${BEFORE_1900}`]],
  [
    "a malformed e-mail address",
    "customers-o.csv",
    customers('C9,Bee,Retail,North,Lan,"lan@example.com\nBcc: all@example.com",,,USD,'),
    ['customers-o.csv line 2, column collector_email, value "lan@example.com\\nBcc: all@example.com": not an e-mail address'],
  ],
  ["two e-mail addresses", "customers-o2.csv", customers("C9,Bee,Retail,North,Lan,a@x.com;b@x.com,,,USD,"), ['customers-o2.csv line 2, column collector_email, value "a@x.com;b@x.com": not an e-mail address']],
  [
    "a bad value after a field with a line break (lines, not rows, are counted)",
    "customers-p.csv",
    customers('C8,"Two\nLines",Retail,North,Lan,,,,USD,', "C9,Bee,Retail,North,Lan,,12x,,USD,"),
    [`customers-p.csv line 4, column credit_limit, value "12x": ${AMOUNT_BAD}`],
  ],
  ["a header naming a column twice, in other words", "customers-q.csv", "customer_id,customer_name,Customer Name\nC9,a,b\n", ['customers-q.csv line 1, column Customer Name: the header names this column twice (as "customer_name")']],
  ["a header naming a column twice, in the same words", "invoices-q2.csv", "document_id,customer_id,document_type,document_date,amount,amount\nX1,C1,invoice,2024-01-01,1,2\n", ["invoices-q2.csv line 1, column amount: the header names this column twice"]],
  [
    "a preamble line above the header",
    "invoices-r.csv",
    `AR extract June 2024\n${invoices(ok)}`,
    ["invoices-r.csv line 1: the header must be the first line: line 2 looks like the header (remove the line above it)"],
  ],
  [
    "a title without the header at all",
    "invoices-r1.csv",
    "AR extract June 2024\nX1,C1,invoice,2024-01-01,,1.00,USD,\n",
    ["document_id", "customer_id", "document_type", "document_date", "amount"].map(
      (c) => `invoices-r1.csv line 1, column ${c}: a required column is missing (the header has: AR extract June 2024)`,
    ),
  ],
  [
    "comment lines above the header",
    "invoices-r0.csv",
    `# exported by ERP\n# 2024-06-30\n${invoices(ok)}`,
    ["invoices-r0.csv line 1: the header must be the first line: line 3 looks like the header (remove the 2 lines above it)"],
  ],
  ["a comment line among the rows", "invoices-r2.csv", invoices(ok, "# checked by Lan"), [`invoices-r2.csv line 3, value "# checked by Lan": ${FEWER}`]],
  ["blank lines before a bad value (blank lines are lines)", "invoices-r3.csv", `${INVOICE_HEADER}\n\n\nX1,C1,invoice,2024-01-01,,abc,USD,\n`, [`invoices-r3.csv line 4, column amount, value "abc": ${AMOUNT_BAD}`]],
  ["CRLF line endings", "invoices-r4.csv", `${INVOICE_HEADER}\r\n${ok}\r\nX1,C1,invoice,2024-01-01,,abc,USD,\r\n`, [`invoices-r4.csv line 3, column amount, value "abc": ${AMOUNT_BAD}`]],
  ["CR line endings (classic Mac)", "invoices-r5.csv", `${INVOICE_HEADER}\r${ok}\rX1,C1,invoice,2024-01-01,,abc,USD,\r`, [`invoices-r5.csv line 3, column amount, value "abc": ${AMOUNT_BAD}`]],
  ["a UTF-8 byte-order mark", "invoices-r6.csv", `\uFEFF${invoices("X1,C1,invoice,2024-01-01,,abc,USD,")}`, [`invoices-r6.csv line 2, column amount, value "abc": ${AMOUNT_BAD}`]],
  ["a tab-separated file", "invoices-r7.csv", INVOICE_HEADER.replaceAll(",", "\t") + "\nX1\tC1\tinvoice\t2024/01/15\t\t1\tUSD\t\n", [`invoices-r7.csv line 2, column document_date, value "2024/01/15": ${DATE_BAD}`]],
  ["a NUL byte in an id", "invoices-s.csv", invoices("X1,C\u00001,invoice,2024-01-01,,1,USD,"), [`invoices-s.csv line 2, column customer_id, value "C\\u00001": ${CONTROL}`]],
  ["a bell character in a reference", "invoices-s2.csv", invoices("X1,C1,credit_note,2024-01-01,,1,USD,I\u00071"), [`invoices-s2.csv line 2, column applies_to, value "I\\u00071": ${CONTROL}`]],
  [
    "mixed-case headers with spaces and hyphens are matched; the value is still checked",
    "invoices-u.csv",
    "Document ID,CUSTOMER_ID,Document-Type,document_date,Due Date,Amount,Currency,Applies To\nX1,C1,invoice,2024-01-01,,abc,USD,\n",
    [`invoices-u.csv line 2, column amount, value "abc": ${AMOUNT_BAD}`],
  ],
  [
    "a missing required column beside extra ones",
    "invoices-u2.csv",
    "document_id,customer_id,document_type,amount,region\nX1,C1,invoice,5,N\n",
    ["invoices-u2.csv line 1, column document_date: a required column is missing (the header has: document_id, customer_id, document_type, amount, region)"],
  ],
  ["a fractional credit term", "customers-v.csv", customers("C9,Bee,Retail,North,Lan,,,30.5,USD,"), ['customers-v.csv line 2, column credit_term_days, value "30.5": not a whole number of days']],
  ["a negative credit term", "customers-v2.csv", customers("C9,Bee,Retail,North,Lan,,,-30,USD,"), ['customers-v2.csv line 2, column credit_term_days, value "-30": not a whole number of days']],
  ["an unknown status", "customers-v3.csv", customers("C9,Bee,Retail,North,Lan,,,,USD,closed"), ['customers-v3.csv line 2, column status, value "closed": not one of: active, blocked']],
  ["a negative credit limit", "customers-v4.csv", customers("C9,Bee,Retail,North,Lan,,-1,,USD,"), ['customers-v4.csv line 2, column credit_limit, value "-1": must not be negative']],
  ["a currency written as its local sign, not its code", "customers-v5.csv", customers("C9,Bee,Retail,North,Lan,,,,VNĐ,"), ['customers-v5.csv line 2, column currency, value "VNĐ": not an ISO 4217 currency code (e.g. USD, VND, THB)']],
  [
    "a payment applied twice to one document in one file",
    "payments-x.csv",
    "payment_id,customer_id,payment_date,amount,currency,document_id\nP1,C1,2024-01-05,10,USD,I1\nP1,C1,2024-01-05,5,USD,I2\nP1,C1,2024-01-06,5,USD,I1\n",
    ['payments-x.csv line 4, column payment_id + document_id, value "P1 + I1": a duplicate key: an earlier line of this file has the same payment_id + document_id (first on line 2)'],
  ],
  ["a payment without a date", "payments-x2.csv", "payment_id,customer_id,payment_date,amount\nP1,C1,,10\n", [`payments-x2.csv line 2, column payment_date, value (empty): ${MISSING}`]],
  ["a negative open order", "sales_orders-y.csv", "order_id,customer_id,order_date,unbilled_amount,currency\nO1,C1,,-5,USD\n", ['sales_orders-y.csv line 2, column unbilled_amount, value "-5": must not be negative']],
  [
    "a promise to pay nothing",
    "collection_attempts-y2.csv",
    "attempt_id,customer_id,document_id,attempt_date,collector,channel,outcome,reason,promised_date,promised_amount\nA1,C1,,2024-01-01,,,,,2024-01-10,0\n",
    ['collection_attempts-y2.csv line 2, column promised_amount, value "0": must be greater than 0'],
  ],
  [
    "a credit limit effective twice on one day",
    "credit_limits-y3.csv",
    "customer_id,effective_date,credit_limit\nC1,2024-01-01,100\nC1,01/01/2024,200\n",
    ['credit_limits-y3.csv line 3, column customer_id + effective_date, value "C1 + 2024-01-01": a duplicate key: an earlier line of this file has the same customer_id + effective_date (first on line 2)'],
  ],
];

const JSONL_CASES: Case[] = [
  ["an amount number with three decimals", "invoices-j1.jsonl", `${jl("X1", '"amount":1.005')}\n`, [`invoices-j1.jsonl line 1, column amount, value "1.005": ${AMOUNT_BAD}`]],
  ["an amount number in exponent form", "invoices-j2.jsonl", `${jl("X0")}\n${jl("X1", '"amount":1e3')}\n`, [`invoices-j2.jsonl line 2, column amount, value "1e3": ${AMOUNT_BAD}`]],
  ["a negative amount number", "invoices-j3.jsonl", `${jl("X1", '"amount":-5')}\n`, ['invoices-j3.jsonl line 1, column amount, value "-5": must be greater than 0']],
  ["an object in an id", "invoices-j4.jsonl", `${jl("X1").replace('"C1"', '{"a":1}')}\n`, [`invoices-j4.jsonl line 1, column customer_id, value "{\\"a\\":1}": ${NESTED_JSON}`]],
  ["an array as an amount", "invoices-j5.jsonl", `${jl("X1", '"amount":[1,2]')}\n`, [`invoices-j5.jsonl line 1, column amount, value "[1,2]": ${NESTED_JSON}`]],
  [
    "true as a document type",
    "invoices-j6.jsonl",
    `${jl("X1").replace('"invoice"', "true")}\n`,
    ['invoices-j6.jsonl line 1, column document_type, value "true": true or false where a text or a number is expected'],
  ],
  ["null as a required value", "invoices-j7.jsonl", `${jl("X1", '"amount":null')}\n`, [`invoices-j7.jsonl line 1, column amount, value (empty): ${MISSING}`]],
  ["a line that is an array", "invoices-j8.jsonl", `${jl("X0")}\n[1,2]\n`, ['invoices-j8.jsonl line 2, value "[1,2]": not a JSON object: each line must be one {...} object']],
  [
    "lines that are a string and a number",
    "invoices-j9.jsonl",
    `"text"\n42\n${jl("X0")}\n`,
    ['invoices-j9.jsonl line 1, value "\\"text\\"": not a JSON object: each line must be one {...} object', 'invoices-j9.jsonl line 2, value "42": not a JSON object: each line must be one {...} object'],
  ],
  ["a truncated line", "invoices-j10.jsonl", `${jl("X0")}\n${jl("X1")}\n{"document_id":"X3","cust`, ['invoices-j10.jsonl line 3, value "{\\"document_id\\":\\"X3\\",\\"cust": not valid JSON (a truncated line?)']],
  ["a byte-order mark, then a bad value on line 1", "invoices-j11.jsonl", `\uFEFF${jl("X1", '"amount":"abc"')}\n`, [`invoices-j11.jsonl line 1, column amount, value "abc": ${AMOUNT_BAD}`]],
  ["blank lines before a bad value", "invoices-j12.jsonl", `${jl("X0")}\n\n  \n${jl("X1", '"amount":"abc"')}\n`, [`invoices-j12.jsonl line 4, column amount, value "abc": ${AMOUNT_BAD}`]],
  ["CRLF line endings", "invoices-j13.jsonl", `${jl("X0")}\r\n${jl("X1", '"amount":"abc"')}\r\n`, [`invoices-j13.jsonl line 2, column amount, value "abc": ${AMOUNT_BAD}`]],
  [
    "invalid UTF-8 on line 2",
    "invoices-j14.jsonl",
    Buffer.concat([Buffer.from(`${jl("X0")}\n${jl("X1").replace("C1", "Caf")}`.slice(0, -1)), Buffer.from([0xe9]), Buffer.from("}\n")]),
    [`invoices-j14.jsonl line 2: ${NOT_UTF8}`],
  ],
  [
    "amount and Amount in one object",
    "invoices-j15.jsonl",
    `${jl("X1", '"amount":"5.00","Amount":"6.00"')}\n`,
    ['invoices-j15.jsonl line 1, value "document_id, customer_id, document_type, document_date, amount, Amount": the object names a column twice (such as amount and Amount)'],
  ],
  [
    "one key written twice",
    "invoices-j16.jsonl",
    `${jl("X1", '"amount":"5.00","amount":"6.00"')}\n`,
    ['invoices-j16.jsonl line 1, value "document_id, customer_id, document_type, document_date, amount, amount": the object names a column twice (such as amount and Amount)'],
  ],
  ["UTF-16", "invoices-j17.jsonl", utf16le(`${jl("X1")}\n`), [`invoices-j17.jsonl: ${UTF16}`]],
  [
    "a required key on no line",
    "invoices-j18.jsonl",
    '{"document_id":"X1","customer_id":"C1","document_type":"invoice","document_date":"2024-01-01"}\n',
    ["invoices-j18.jsonl, column amount: a required column is missing (the lines' keys are: document_id, customer_id, document_type, document_date)"],
  ],
  ["a date written as a number", "invoices-j19.jsonl", `${jl("X1").replace('"2024-01-01"', "20240101")}\n`, [`invoices-j19.jsonl line 1, column document_date, value "20240101": ${DATE_BAD}`]],
  [
    "an amount key also inside a nested value (its number cannot be told apart)",
    "invoices-j20.jsonl",
    `${jl("X1", '"amount":5,"meta":{"amount":6}')}\n`,
    ['invoices-j20.jsonl line 1, column amount, value "5, 6": a number that cannot be read exactly as written (its key appears more than once in the line)'],
  ],
  [
    "a duplicate key across a string id and a number id",
    "invoices-j21.jsonl",
    `${jl("1001")}\n${jl("X2")}\n${jl("X0").replace('"X0"', "1001")}\n`,
    ['invoices-j21.jsonl line 3, column document_id, value "1001": a duplicate key: an earlier line of this file has the same document_id (first on line 1)'],
  ],
];

/** Parquet fixtures are written by DuckDB from a query: [kind, name, query, expected]. */
const PARQUET_CASES: [string, string, string, string[]][] = [
  [
    "a DOUBLE amount beyond 15 significant digits",
    "invoices-p1.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 90071992547409.93::DOUBLE as amount",
    ['invoices-p1.parquet row 1, column amount, value "90071992547409.94": a DOUBLE amount with more than 15 significant digits, which DOUBLE cannot hold exactly to the cent: write amounts as DECIMAL'],
  ],
  [
    "a FLOAT amount beyond 6 significant digits",
    "invoices-p2.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 1234567.5::FLOAT as amount",
    ['invoices-p2.parquet row 1, column amount, value "1234567.5": a FLOAT amount with more than 6 significant digits, which FLOAT cannot hold exactly to the cent: write amounts as DECIMAL'],
  ],
  ["a NaN DOUBLE amount", "invoices-p3.parquet", "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 'nan'::DOUBLE as amount", [`invoices-p3.parquet row 1, column amount, value "nan": ${AMOUNT_BAD}`]],
  [
    "a DECIMAL(18,4) amount with a non-zero third decimal",
    "invoices-p4.parquet",
    "select * from (values ('X1', 'C1', 'invoice', DATE '2024-01-01', 1.2300::DECIMAL(18,4)), ('X2', 'C1', 'invoice', DATE '2024-01-01', 1.2345::DECIMAL(18,4))) t(document_id, customer_id, document_type, document_date, amount)",
    [`invoices-p4.parquet row 2, column amount, value "1.2345": ${AMOUNT_BAD}`],
  ],
  [
    "a STRUCT id",
    "invoices-p5.parquet",
    "select 'X1' as document_id, {'a': 1} as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 1::DECIMAL(18,2) as amount",
    ["invoices-p5.parquet, column customer_id: a nested STRUCT(a INTEGER) column: each value must be text (or an integer), not a structure"],
  ],
  [
    "a LIST amount",
    "invoices-p6.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, [1, 2] as amount",
    ["invoices-p6.parquet, column amount: a nested INTEGER[] column: each value must be an amount (DECIMAL, an integer or text), not a structure"],
  ],
  [
    "a MAP document type",
    "invoices-p7.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, map {'k': 1} as document_type, DATE '2024-01-01' as document_date, 1::DECIMAL(18,2) as amount",
    ["invoices-p7.parquet, column document_type: a nested MAP(VARCHAR, INTEGER) column: each value must be text (or an integer), not a structure"],
  ],
  [
    "a DOUBLE id",
    "invoices-p8.parquet",
    "select 1001.0::DOUBLE as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 1::DECIMAL(18,2) as amount",
    ["invoices-p8.parquet, column document_id: stored as DOUBLE, which cannot hold text (or an integer) exactly"],
  ],
  [
    "a timestamp with a time of day as a date",
    "invoices-p9.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, TIMESTAMP '2024-01-01 10:30:00' as document_date, 1::DECIMAL(18,2) as amount",
    ['invoices-p9.parquet row 1, column document_date, value "2024-01-01 10:30:00": a timestamp with a time of day where a date is expected'],
  ],
  [
    "a zoned timestamp as a date",
    "invoices-p10.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, TIMESTAMPTZ '2024-01-01 00:00:00+00' as document_date, 1::DECIMAL(18,2) as amount",
    ["invoices-p10.parquet, column document_date: stored as TIMESTAMP WITH TIME ZONE: the day a zoned timestamp falls on depends on the time zone; write dates as DATE"],
  ],
  [
    "a BOOLEAN amount",
    "invoices-p11.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, true as amount",
    ["invoices-p11.parquet, column amount: stored as BOOLEAN, which cannot hold an amount (DECIMAL, an integer or text) exactly"],
  ],
  [
    "a Buddhist-era DATE",
    "invoices-p12.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2567-01-15' as document_date, 1::DECIMAL(18,2) as amount",
    [`invoices-p12.parquet row 1, column document_date, value "2567-01-15": ${AFTER_2200}`],
  ],
  [
    "a missing required column",
    "invoices-p13.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date",
    ["invoices-p13.parquet, column amount: a required column is missing (the file's columns are: document_id, customer_id, document_type, document_date)"],
  ],
  [
    "a duplicate key, by row",
    "invoices-p14.parquet",
    "select * from (values ('X1', 'C1', 'invoice', DATE '2024-01-01', 1.00::DECIMAL(18,2)), ('X2', 'C1', 'invoice', DATE '2024-01-01', 1.00), ('X1', 'C1', 'invoice', DATE '2024-01-02', 1.00)) t(document_id, customer_id, document_type, document_date, amount)",
    ['invoices-p14.parquet row 3, column document_id, value "X1": a duplicate key: an earlier line of this file has the same document_id (first on row 1)'],
  ],
  [
    "a negative DECIMAL amount",
    "invoices-p15.parquet",
    "select * from (values ('X1', 'C1', 'invoice', DATE '2024-01-01', 1.00::DECIMAL(18,2)), ('X2', 'C1', 'invoice', DATE '2024-01-01', -1.00)) t(document_id, customer_id, document_type, document_date, amount)",
    ['invoices-p15.parquet row 2, column amount, value "-1.00": must be greater than 0'],
  ],
  [
    "a BIGINT amount too large for the warehouse",
    "invoices-p16.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 100000000000000000::BIGINT as amount",
    [`invoices-p16.parquet row 1, column amount, value "100000000000000000": ${TOO_LARGE}`],
  ],
  [
    "a text amount",
    "invoices-p17.parquet",
    "select 'X1' as document_id, 'C1' as customer_id, 'invoice' as document_type, DATE '2024-01-01' as document_date, 'abc' as amount",
    [`invoices-p17.parquet row 1, column amount, value "abc": ${AMOUNT_BAD}`],
  ],
  [
    "a DOUBLE credit term",
    "customers-p18.parquet",
    "select 'C9' as customer_id, 30.0::DOUBLE as credit_term_days",
    ["customers-p18.parquet, column credit_term_days: stored as DOUBLE, which cannot hold a whole number of days (an integer or text) exactly"],
  ],
];

describe("ingest rejects bad input, names file, line, column and value, and changes nothing", () => {
  beforeAll(openWithGoodData);
  afterAll(() => wh.close());

  it("has at least 60 kinds of bad input", () => {
    expect(CSV_CASES.length + JSONL_CASES.length + PARQUET_CASES.length + 2).toBeGreaterThanOrEqual(60);
  });

  it.each([...CSV_CASES, ...JSONL_CASES])("%s (%s)", async (_kind, name, content, expected) => {
    const before = await snapshot();
    const error = await rejection(write(name, content));
    expect(error.details).toEqual(expected);
    expect(error.message).toBe(`ingest rejected: ${name} has problems; nothing was loaded`);
    expect(await snapshot()).toBe(before);
  });

  it.each(PARQUET_CASES)("Parquet: %s (%s)", async (_kind, name, query, expected) => {
    const path = join(dir, "in", name);
    await wh.run(`copy (${query}) to ${literal(path)} (format parquet)`);
    const before = await snapshot();
    const error = await rejection(path);
    expect(error.details).toEqual(expected);
    expect(await snapshot()).toBe(before);
  });

  it("Parquet: an empty file and a file that is not Parquet", async () => {
    const before = await snapshot();
    expect((await rejection(write("invoices-pe.parquet", ""))).details).toEqual(["invoices-pe.parquet: the file is empty (0 bytes)"]);
    const details = (await rejection(write("invoices-pn.parquet", "document_id\nX1\n"))).details;
    expect(details).toHaveLength(1);
    expect(details[0]).toMatch(/^invoices-pn\.parquet: cannot be read as PARQUET: /);
    expect(await snapshot()).toBe(before);
  });

  it("names a line longer than 2 MB without quoting all of it", async () => {
    const before = await snapshot();
    const details = (await rejection(write("customers-long.csv", customers(`C9,${"x".repeat(3_000_000)},Retail,North,Lan,,,,USD,`)))).details;
    expect(details).toHaveLength(1);
    expect(details[0]).toMatch(/^customers-long\.csv line 2(, column [a-z_]+)?, value "C9,x{74}\.\.\.": the line is longer than 2 MB$/);
    expect(await snapshot()).toBe(before);
  });
});

describe("ingest of several files", () => {
  beforeEach(openWithGoodData);
  afterEach(() => wh.close());

  it("loads none of the files when one of several is bad", async () => {
    const before = await snapshot();
    const good = write("customers-new.csv", `${CUSTOMER_HEADER}\nC2,Bee,Retail,North,Lan,,,,USD,\n`);
    const bad = write("invoices-bad.csv", invoices("X1,C2,invoice,2024-13-01,,1,USD,"));
    const error = await rejection(good, bad);
    expect(error.details).toEqual([`invoices-bad.csv line 2, column document_date, value "2024-13-01": ${DATE_BAD}`]);
    expect(await snapshot()).toBe(before);
  });

  it("counts every row with the same problem and shows the first five", async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `X${i},C1,invoice,2024-01-01,,-1,USD,`);
    const error = await rejection(write("invoices-many.csv", invoices(...rows)));
    expect(error.details.filter((d) => d.includes("must be greater than 0") && d.includes("line"))).toHaveLength(5);
    expect(error.details).toContain("invoices-many.csv: 8 rows in all: amount: must be greater than 0");
  });

  it("records the rejected file in the load log", async () => {
    await rejection(write("invoices-r.csv", invoices("X1,C1,invoice,2024-01-01,,-1,USD,")));
    const rows = await wh.all("select file_name, outcome, message from meta.load_log where outcome = 'rejected'");
    expect(rows).toEqual([{ file_name: "invoices-r.csv", outcome: "rejected", message: 'invoices-r.csv line 2, column amount, value "-1": must be greater than 0' }]);
  });

  it("refuses a file whose name names no entity", async () => {
    await expect(ingest(wh, [write("receipts.csv", "a\n1\n")], options())).rejects.toThrow(
      /receipts\.csv/,
    );
  });
});
