import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/log.ts";
import { literal, openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { generateExtracts, type GenerateOptions } from "../../generate/generate.ts";

const AS_OF = "2024-06-30";

// The extract contract, written out from the definition rather than imported from the generator.
const HEADERS: Record<string, string> = {
  "customers.csv":
    "customer_id,customer_name,customer_group,team,collector,collector_email,credit_limit,credit_term_days,currency,status",
  "invoices.csv": "document_id,customer_id,document_type,document_date,due_date,amount,currency,applies_to",
  "payments.csv": "payment_id,customer_id,payment_date,amount,currency,document_id",
  "sales_orders.csv": "order_id,customer_id,order_date,unbilled_amount,currency",
  "collection_attempts.csv":
    "attempt_id,customer_id,document_id,attempt_date,collector,channel,outcome,reason,promised_date,promised_amount",
  "credit_limits.csv": "customer_id,effective_date,credit_limit,credit_term_days",
};

const AMOUNT_COLUMNS: Record<string, string[]> = {
  "customers.csv": ["credit_limit"],
  "invoices.csv": ["amount"],
  "payments.csv": ["amount"],
  "sales_orders.csv": ["unbilled_amount"],
  "collection_attempts.csv": ["promised_amount"],
  "credit_limits.csv": ["credit_limit"],
};

const roots: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "arwatch-generate-test-"));
  roots.push(dir);
  return dir;
}

function options(overrides: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    outDir: tempDir(),
    customers: 200,
    invoices: 2000,
    seed: 7,
    months: 24,
    asOf: AS_OF,
    currency: "USD",
    ...overrides,
  };
}

/** Loads every extract as text columns into views named after the files (customers, invoices, …). */
async function load(wh: Warehouse, dir: string): Promise<void> {
  for (const file of Object.keys(HEADERS)) {
    await wh.run(
      `create or replace view ${basename(file, ".csv")} as
       select * from read_csv(${literal(join(dir, file))}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true)`,
    );
  }
}

/** The failing rows of a check query: the test passes when there are none. */
async function failures(wh: Warehouse, sql: string): Promise<unknown[]> {
  return wh.all(sql);
}

afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

describe("generateExtracts(options, log)", () => {
  let wh: Warehouse;
  let dir: string;
  let written: { file: string; rows: number }[];

  beforeAll(async () => {
    const usd = options();
    dir = usd.outDir;
    written = await generateExtracts(usd, silentLogger);
    wh = await openWarehouse(":memory:");
    await load(wh, dir);
  });

  afterAll(() => wh?.close());

  it("writes the six contract files, each with a data-row count", () => {
    expect(written.map((w) => basename(w.file))).toEqual(Object.keys(HEADERS));
    for (const w of written) {
      const lines = readFileSync(w.file, "utf8").trimEnd().split("\n");
      expect(lines.length - 1, w.file).toBe(w.rows);
      expect(w.rows, w.file).toBeGreaterThan(0);
    }
  });

  it("starts every file with the contract header exactly", () => {
    for (const [file, header] of Object.entries(HEADERS)) {
      const firstLine = readFileSync(join(dir, file), "utf8").split("\n")[0];
      expect(firstLine, file).toBe(header);
    }
  });

  it("produces byte-identical files for the same options", async () => {
    const again = options();
    await generateExtracts(again, silentLogger);
    for (const file of Object.keys(HEADERS)) {
      expect(readFileSync(join(again.outDir, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
  });

  it("produces different data for a different seed", async () => {
    const other = options({ seed: 8 });
    await generateExtracts(other, silentLogger);
    expect(readFileSync(join(other.outDir, "invoices.csv")).equals(readFileSync(join(dir, "invoices.csv")))).toBe(false);
  });

  it("writes amounts with exactly two decimals and dates as YYYY-MM-DD", async () => {
    for (const [file, columns] of Object.entries(AMOUNT_COLUMNS)) {
      for (const column of columns) {
        const bad = await failures(
          wh,
          `select ${column} from ${basename(file, ".csv")} where ${column} is not null and not regexp_full_match(${column}, '[0-9]+\\.[0-9]{2}')`,
        );
        expect(bad, `${file} ${column}`).toEqual([]);
      }
    }
    const badDates = await failures(
      wh,
      `select document_date from invoices where not regexp_full_match(document_date, '\\d{4}-\\d{2}-\\d{2}')
       union all select due_date from invoices where due_date is not null and not regexp_full_match(due_date, '\\d{4}-\\d{2}-\\d{2}')`,
    );
    expect(badDates).toEqual([]);
  });

  it("dates nothing after the as-of date", async () => {
    const late = await failures(
      wh,
      `select payment_id from payments where payment_date::DATE > '${AS_OF}'::DATE
       union all select document_id from invoices where document_date::DATE > '${AS_OF}'::DATE
       union all select attempt_id from collection_attempts where attempt_date::DATE > '${AS_OF}'::DATE
       union all select order_id from sales_orders where order_date::DATE > '${AS_OF}'::DATE
       union all select customer_id from credit_limits where effective_date::DATE > '${AS_OF}'::DATE`,
    );
    expect(late).toEqual([]);
  });

  it("never lets payments to a document exceed its amount", async () => {
    const overpaid = await failures(
      wh,
      `select p.document_id, i.amount::DECIMAL(18,2) as amount, sum(p.amount::DECIMAL(18,2)) as paid
       from payments p join invoices i using (document_id)
       group by all
       having sum(p.amount::DECIMAL(18,2)) > i.amount::DECIMAL(18,2)`,
    );
    expect(overpaid).toEqual([]);
    const orphans = await failures(
      wh,
      `select p.payment_id from payments p left join invoices i using (document_id)
       where p.document_id is not null and i.document_id is null`,
    );
    expect(orphans).toEqual([]);
  });

  it("has both applied and unapplied payments, some split into instalments", async () => {
    const [row] = await wh.all<{ unapplied: string; split: string }>(
      `select count(*) filter (where document_id is null) as unapplied,
              (select count(*) from (select document_id from payments where document_id is not null
                                     group by 1 having count(distinct payment_id) > 1)) as split
       from payments`,
    );
    expect(Number(row!.unapplied)).toBeGreaterThan(0);
    expect(Number(row!.split)).toBeGreaterThan(0);
  });

  it("keys payments uniquely by payment_id and document_id, and documents by document_id", async () => {
    const duplicates = await failures(
      wh,
      `select payment_id, document_id from payments group by all having count(*) > 1
       union all select document_id, null from invoices group by 1 having count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
  });

  it("points applies_to at an invoice of the same customer dated on or before the document", async () => {
    const bad = await failures(
      wh,
      `select x.document_id, x.applies_to
       from invoices x left join invoices target on target.document_id = x.applies_to
       where x.applies_to is not null
         and (target.document_id is null or target.customer_id <> x.customer_id
              or target.document_type <> 'invoice' or target.document_date::DATE > x.document_date::DATE)`,
    );
    expect(bad).toEqual([]);
    const misplaced = await failures(
      wh,
      `select document_id from invoices where document_type in ('invoice', 'debit_note') and applies_to is not null
       union all select document_id from invoices where document_type = 'write_off' and applies_to is null`,
    );
    expect(misplaced).toEqual([]);
    const [credits] = await wh.all<{ applied: string; unapplied: string }>(
      `select count(applies_to) as applied, count(*) - count(applies_to) as unapplied from invoices where document_type = 'credit_note'`,
    );
    expect(Number(credits!.applied)).toBeGreaterThan(0);
    expect(Number(credits!.unapplied)).toBeGreaterThan(0);
  });

  it("uses all four document types with their ID prefixes", async () => {
    const rows = await wh.all<{ document_type: string; prefix: string }>(
      `select distinct document_type, regexp_extract(document_id, '^[A-Z]+') as prefix from invoices order by 1`,
    );
    expect(rows).toEqual([
      { document_type: "credit_note", prefix: "CN" },
      { document_type: "debit_note", prefix: "DN" },
      { document_type: "invoice", prefix: "INV" },
      { document_type: "write_off", prefix: "WO" },
    ]);
  });

  it("leaves the credit limit empty for some customers and sets it to 0 for others", async () => {
    const [row] = await wh.all<{ empty: string; zero: string; positive: string }>(
      `select count(*) filter (where credit_limit is null) as empty,
              count(*) filter (where credit_limit = '0.00') as zero,
              count(*) filter (where credit_limit::DECIMAL(18,2) > 0) as positive
       from customers`,
    );
    expect(Number(row!.empty)).toBeGreaterThan(0);
    expect(Number(row!.zero)).toBeGreaterThan(0);
    expect(Number(row!.positive)).toBeGreaterThan(0);
  });

  it("quotes customer names that contain commas or double quotes", () => {
    const text = readFileSync(join(dir, "customers.csv"), "utf8");
    expect(text).toMatch(/,"[^"\n]*,[^"\n]*",/);
    expect(text).toMatch(/""/);
  });

  it("follows up only overdue invoices of the same customer, by its collector", async () => {
    const bad = await failures(
      wh,
      `select a.attempt_id
       from collection_attempts a
       join invoices i using (document_id)
       join customers c on c.customer_id = a.customer_id
       where i.customer_id <> a.customer_id
          or i.document_type <> 'invoice'
          or a.attempt_date::DATE <= coalesce(i.due_date::DATE, i.document_date::DATE + c.credit_term_days::INTEGER)
          or a.collector <> c.collector`,
    );
    expect(bad).toEqual([]);
    const badPromises = await failures(
      wh,
      `select attempt_id from collection_attempts
       where (outcome = 'promise_to_pay') <> (promised_date is not null and promised_amount is not null)
          or (outcome in ('paid', 'no_answer')) = (reason is not null)`,
    );
    expect(badPromises).toEqual([]);
  });

  it("records promises to pay of which some were kept and some broken", async () => {
    const [row] = await wh.all<{ kept: string; broken: string }>(
      `with promises as (
         select a.*, exists (select 1 from payments p
                             where p.document_id = a.document_id
                               and p.amount::DECIMAL(18,2) >= a.promised_amount::DECIMAL(18,2)
                               and p.payment_date::DATE <= a.promised_date::DATE) as is_kept
         from collection_attempts a where outcome = 'promise_to_pay')
       select count(*) filter (where is_kept) as kept,
              count(*) filter (where not is_kept and promised_date::DATE < '${AS_OF}'::DATE) as broken
       from promises`,
    );
    expect(Number(row!.kept)).toBeGreaterThan(0);
    expect(Number(row!.broken)).toBeGreaterThan(0);
  });

  it("gives credit-limit history distinct dates per customer, the latest matching customers.csv", async () => {
    const bad = await failures(
      wh,
      `select customer_id, effective_date from credit_limits group by all having count(*) > 1
       union all
       select l.customer_id, l.effective_date
       from (select * from credit_limits qualify row_number() over (partition by customer_id order by effective_date::DATE desc) = 1) l
       join customers c using (customer_id)
       where l.credit_limit is distinct from c.credit_limit or l.credit_term_days is distinct from c.credit_term_days`,
    );
    expect(bad).toEqual([]);
  });

  it("starts the ledger 12 months before the reported 24, so the window opens on a running business", async () => {
    // 24 reported month-ends to 2024-06-30 start at 2022-07-31; 12 months before 2022-06-30 the
    // ledger starts: documents fall in (2021-06-30, 2024-06-30], the first of them in July 2021.
    const [span] = await wh.all<{ first: string; last: string }>(
      "select min(document_date::DATE)::VARCHAR as first, max(document_date::DATE)::VARCHAR as last from invoices",
    );
    expect(span!.first >= "2021-07-01" && span!.first <= "2021-07-31").toBe(true);
    expect(span!.last <= AS_OF).toBe(true);
    // The ledger balance (invoices and debit notes less credits, write-offs and payments dated by
    // then) on the month-end before the window and on the as-of date. Without the warm-up the
    // first would be 0. With it, sales run at about 0.9 of the final rate there (density rising
    // 0.7 → 1.3 over 36 months: 0.7 + 0.6 × 12/36 = 0.9 against 1.3, i.e. 0.7) over the same
    // terms and payment habits, so the opening balance is well over a third of the closing one.
    const [balances] = await wh.all<{ opening: string; closing: string }>(
      `with movements as (
         select document_date::DATE as d,
                case when document_type in ('invoice', 'debit_note') then amount::DECIMAL(18,2) else -amount::DECIMAL(18,2) end as amount
           from invoices
         union all
         select payment_date::DATE, -amount::DECIMAL(18,2) from payments
       )
       select sum(amount) filter (where d <= DATE '2022-06-30') as opening, sum(amount) as closing from movements`,
    );
    expect(Number(balances!.opening)).toBeGreaterThan(0);
    expect(Number(balances!.opening)).toBeGreaterThan(Number(balances!.closing) / 3);
  });

  it("settles disputes: only defaulting customers (5%) leave invoices unpaid more than 400 days past due", async () => {
    // A paying customer pays at most 120 days late (chronic), plus up to 240 days for a disputed
    // invoice, plus a week to its payment run: 366 days. So an invoice unpaid 400 days past its
    // due date belongs to a defaulting customer, and those are 5% of the 200 (about 10; the draw
    // is a hash, so allow twice that). Left unsettled, 5% of every customer's invoices would be.
    const [row] = await wh.all<{ customers: string }>(
      `with settled as (
         select document_id, sum(amount::DECIMAL(18,2)) as amount from payments where document_id is not null group by all
         union all
         select applies_to, sum(amount::DECIMAL(18,2)) from invoices where applies_to is not null group by all
       )
       select count(distinct i.customer_id) as customers
         from invoices i left join (select document_id, sum(amount) as amount from settled group by all) s using (document_id)
        where i.document_type = 'invoice' and i.due_date is not null
          and i.due_date::DATE < DATE '${AS_OF}' - 400
          and i.amount::DECIMAL(18,2) - coalesce(s.amount, 0) > 0`,
    );
    expect(Number(row!.customers)).toBeGreaterThan(0);
    expect(Number(row!.customers)).toBeLessThanOrEqual(20);
  });

  it("writes whole-number amounts for VND", async () => {
    const vnd = options({ currency: "VND" });
    await generateExtracts(vnd, silentLogger);
    const vwh = await openWarehouse(":memory:");
    try {
      await load(vwh, vnd.outDir);
      for (const [file, columns] of Object.entries(AMOUNT_COLUMNS)) {
        for (const column of columns) {
          const bad = await failures(
            vwh,
            `select ${column} from ${basename(file, ".csv")} where ${column} is not null and not regexp_full_match(${column}, '[0-9]+\\.00')`,
          );
          expect(bad, `${file} ${column}`).toEqual([]);
        }
      }
      const [row] = await vwh.all<{ currencies: string[] }>(`select list(distinct currency) as currencies from invoices`);
      expect(row!.currencies).toEqual(["VND"]);
    } finally {
      vwh.close();
    }
  });

  it("names the option that is wrong", async () => {
    await expect(generateExtracts(options({ asOf: "2024-02-30" }), silentLogger)).rejects.toThrow(/asOf = "2024-02-30"/);
    await expect(generateExtracts(options({ invoices: 0 }), silentLogger)).rejects.toThrow(/invoices = 0/);
  });
});
