import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { memoryLogger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { ingest } from "../../ingest/ingest.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { undoLoads } from "../../ingest/undo.ts";
import { INVOICE_HEADER } from "../helpers/ingest-workspace.ts";
import { tempDir } from "../helpers/warehouse.ts";

/*
 * A warehouse made by the arwatch before invoices had order_id: its tables are written out by
 * hand here, column for column as that release created them, not from today's specs.
 *
 * Its history: load L0 wrote INV1 at 90.00; load L1 restated INV1 at 100.00 (L0's row moved to
 * raw_replaced) and added INV2 and CN1.
 */
const OLD_TABLES = [
  "create schema raw",
  "create schema raw_replaced",
  "create schema meta",
  `create table raw.invoices (
     document_id VARCHAR, customer_id VARCHAR, document_type VARCHAR, document_date DATE, due_date DATE,
     amount DECIMAL(18,2), currency VARCHAR, applies_to VARCHAR,
     _load_id VARCHAR, _source_file VARCHAR, _source_row INTEGER, _loaded_at TIMESTAMPTZ)`,
  `create table raw_replaced.invoices (
     document_id VARCHAR, customer_id VARCHAR, document_type VARCHAR, document_date DATE, due_date DATE,
     amount DECIMAL(18,2), currency VARCHAR, applies_to VARCHAR,
     _load_id VARCHAR, _source_file VARCHAR, _source_row INTEGER, _loaded_at TIMESTAMPTZ,
     _replaced_by VARCHAR, _replaced_at TIMESTAMPTZ)`,
  `create table meta.load_log (
     load_id VARCHAR, file_name VARCHAR, file_path VARCHAR, entity VARCHAR, sha256 VARCHAR,
     bytes BIGINT, rows BIGINT, outcome VARCHAR, message VARCHAR,
     started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
     load_seq BIGINT, rows_written BIGINT, rows_replaced BIGINT, undone_at TIMESTAMPTZ)`,
  `insert into raw.invoices values
     ('INV1', 'C1', 'invoice', '2024-03-01', null, 100.00, 'USD', null, 'L1', 'invoices-1.csv', 1, '2024-03-10 08:00:00+00'),
     ('INV2', 'C1', 'invoice', '2024-03-05', '2024-04-04', 200.00, 'USD', null, 'L1', 'invoices-1.csv', 2, '2024-03-10 08:00:00+00'),
     ('CN1', 'C1', 'credit_note', '2024-03-06', null, 20.00, 'USD', 'INV2', 'L1', 'invoices-1.csv', 3, '2024-03-10 08:00:00+00')`,
  `insert into raw_replaced.invoices values
     ('INV1', 'C1', 'invoice', '2024-03-01', null, 90.00, 'USD', null, 'L0', 'invoices-0.csv', 1, '2024-03-09 08:00:00+00',
      'L1', '2024-03-10 08:00:00+00')`,
  `insert into meta.load_log values
     ('L0', 'invoices-0.csv', '/old/invoices-0.csv', 'invoices', 'sha-0', 60, 1, 'loaded', null,
      '2024-03-09 08:00:00+00', '2024-03-09 08:00:00+00', 1, 1, 0, null),
     ('L1', 'invoices-1.csv', '/old/invoices-1.csv', 'invoices', 'sha-1', 180, 3, 'loaded', null,
      '2024-03-10 08:00:00+00', '2024-03-10 08:00:00+00', 2, 3, 1, null)`,
];

const OLD_COLUMNS = "document_id, customer_id, document_type, document_date, due_date, amount, currency, applies_to, _load_id, _source_file, _source_row, _loaded_at";
const AT = new Date("2024-05-01T08:00:00Z");

let dir: string, db: string, wh: Warehouse;

beforeEach(async () => {
  dir = tempDir("arwatch-order-ref-");
  mkdirSync(join(dir, "in"));
  db = join(dir, "warehouse.duckdb");
  const old = await openWarehouse(db);
  for (const sql of OLD_TABLES) await old.run(sql);
  old.close();
  wh = await openWarehouse(db);
});
afterEach(() => wh.close());

/** The rows of a table in the old release's columns, in a stable order. */
async function oldRows(table: string, extra = ""): Promise<string> {
  return JSON.stringify(await wh.all(`select ${OLD_COLUMNS}${extra} from ${table} order by all`));
}

async function columnsOf(schema: string, table: string): Promise<string[]> {
  const rows = await wh.all<{ name: string }>(
    "select column_name as name from duckdb_columns() where schema_name = $1 and table_name = $2 order by column_index",
    [schema, table],
  );
  return rows.map((r) => r.name);
}

async function load(name: string, body: string): Promise<string> {
  const path = join(dir, "in", name);
  writeFileSync(path, body);
  const [outcome] = await ingest(wh, [path], { config: parseConfig({}), log: memoryLogger(), archiveDir: join(dir, "archive"), now: () => AT });
  return outcome!.loadId;
}

describe("ensureRawSchema on a warehouse made before invoices had order_id", () => {
  it("adds order_id, empty, to raw.invoices and raw_replaced.invoices and keeps every row", async () => {
    const raw = await oldRows("raw.invoices");
    const replaced = await oldRows("raw_replaced.invoices", ", _replaced_by, _replaced_at");
    await ensureRawSchema(wh);
    // DuckDB appends the new column after the lineage: positions differ from a new warehouse's.
    expect(await columnsOf("raw", "invoices")).toEqual([...OLD_COLUMNS.split(", "), "order_id"]);
    expect(await columnsOf("raw_replaced", "invoices")).toEqual([...OLD_COLUMNS.split(", "), "_replaced_by", "_replaced_at", "order_id"]);
    expect(await oldRows("raw.invoices")).toBe(raw);
    expect(await oldRows("raw_replaced.invoices", ", _replaced_by, _replaced_at")).toBe(replaced);
    expect(await wh.all("select count(order_id) as n from raw.invoices")).toEqual([{ n: "0" }]);
    expect(await wh.all("select count(order_id) as n from raw_replaced.invoices")).toEqual([{ n: "0" }]);
  });

  it("is idempotent: a second run changes nothing", async () => {
    await ensureRawSchema(wh);
    const raw = await oldRows("raw.invoices", ", order_id");
    await ensureRawSchema(wh);
    expect(await columnsOf("raw", "invoices")).toEqual([...OLD_COLUMNS.split(", "), "order_id"]);
    expect(await columnsOf("raw_replaced", "invoices")).toEqual([...OLD_COLUMNS.split(", "), "_replaced_by", "_replaced_at", "order_id"]);
    expect(await oldRows("raw.invoices", ", order_id")).toBe(raw);
  });

  it("is all or nothing: a failure part-way leaves the old tables as they were", async () => {
    const raw = await oldRows("raw.invoices");
    // The real warehouse, with one statement made to fail: the one that upgrades raw_replaced.invoices,
    // after raw.invoices has already been altered in the same transaction.
    const failing: Warehouse = {
      ...wh,
      run: async (sql, params) => {
        if (/alter table raw_replaced\."invoices" add column/.test(sql)) throw new Error("disk full (injected)");
        await wh.run(sql, params);
      },
      transaction: (fn) => wh.transaction(fn),
    };
    await expect(ensureRawSchema(failing)).rejects.toThrow("disk full (injected)");
    expect(await columnsOf("raw", "invoices")).toEqual(OLD_COLUMNS.split(", "));
    expect(await columnsOf("raw_replaced", "invoices")).toEqual([...OLD_COLUMNS.split(", "), "_replaced_by", "_replaced_at"]);
    expect(await wh.all("select count(*) as n from duckdb_tables() where schema_name = 'raw'")).toEqual([{ n: "1" }]);
    expect(await oldRows("raw.invoices")).toBe(raw);
  });
});

describe("an old warehouse ingests invoices with order_id, and undo takes it back", () => {
  it("loads the new column by name, keeps the replaced row in raw_replaced, and undo restores the raw tables exactly", async () => {
    const rawBefore = await oldRows("raw.invoices");
    const replacedBefore = await oldRows("raw_replaced.invoices", ", _replaced_by, _replaced_at");

    // INV1 now names its order (a change: the row is replaced); INV2 is repeated unchanged; INV3 is new.
    const l2 = await load(
      "invoices-2.csv",
      `${INVOICE_HEADER},order_id\nINV1,C1,invoice,2024-03-01,,100.00,USD,,SO1\nINV2,C1,invoice,2024-03-05,2024-04-04,200.00,USD,,\nINV3,C2,invoice,2024-03-10,,50.00,USD,,SO2\n`,
    );
    expect(await wh.all("select rows_written, rows_replaced from meta.load_log where load_id = $1", [l2])).toEqual([{ rows_written: "2", rows_replaced: "1" }]);
    expect(
      await wh.all(
        `select document_id, amount, order_id, _load_id = $1 as by_l2, _source_row from raw.invoices order by document_id`,
        [l2],
      ),
    ).toEqual([
      { document_id: "CN1", amount: "20.00", order_id: null, by_l2: false, _source_row: 3 },
      { document_id: "INV1", amount: "100.00", order_id: "SO1", by_l2: true, _source_row: 1 },
      { document_id: "INV2", amount: "200.00", order_id: null, by_l2: false, _source_row: 2 },
      { document_id: "INV3", amount: "50.00", order_id: "SO2", by_l2: true, _source_row: 3 },
    ]);
    expect(
      await wh.all(
        `select document_id, amount, order_id, _load_id, _replaced_by = $1 as by_l2, _replaced_at = $2::TIMESTAMPTZ as at_load
           from raw_replaced.invoices order by _load_id`,
        [l2, AT.toISOString()],
      ),
    ).toEqual([
      { document_id: "INV1", amount: "90.00", order_id: null, _load_id: "L0", by_l2: false, at_load: false },
      { document_id: "INV1", amount: "100.00", order_id: null, _load_id: "L1", by_l2: true, at_load: true },
    ]);

    const [undone] = await undoLoads(wh, [l2], { log: memoryLogger(), now: () => AT });
    expect(undone).toMatchObject({ rowsRemoved: 2, rowsRestored: 1 });
    expect(await oldRows("raw.invoices")).toBe(rawBefore);
    expect(await oldRows("raw_replaced.invoices", ", _replaced_by, _replaced_at")).toBe(replacedBefore);
    expect(await wh.all("select count(order_id) as n from raw.invoices")).toEqual([{ n: "0" }]);

    // L1, made by the old arwatch, is undone too: L0's row comes back from raw_replaced by name.
    await undoLoads(wh, ["L1"], { log: memoryLogger(), now: () => AT });
    expect(await wh.all("select document_id, amount, order_id, _load_id, _source_file from raw.invoices")).toEqual([
      { document_id: "INV1", amount: "90.00", order_id: null, _load_id: "L0", _source_file: "invoices-0.csv" },
    ]);
    expect(await wh.all("select count(*) as n from raw_replaced.invoices")).toEqual([{ n: "0" }]);
  });

  it("keeps the upgrade on disk: reopened, the file loads again after its undo", async () => {
    const body = `${INVOICE_HEADER},order_id\nINV4,C1,invoice,2024-03-12,,10.00,USD,,SO4\n`;
    const first = await load("invoices-3.csv", body);
    await undoLoads(wh, [first], { log: memoryLogger(), now: () => AT });
    wh.close();
    wh = await openWarehouse(db);
    expect(await columnsOf("raw", "invoices")).toEqual([...OLD_COLUMNS.split(", "), "order_id"]);
    await load("invoices-3.csv", body);
    expect(await wh.all("select document_id, order_id from raw.invoices where document_id = 'INV4'")).toEqual([{ document_id: "INV4", order_id: "SO4" }]);
  });
});
