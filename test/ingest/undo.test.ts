import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/log.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { ingest } from "../../ingest/ingest.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { SPECS } from "../../ingest/specs.ts";
import { undoLoads } from "../../ingest/undo.ts";
import { CUSTOMER_HEADER, openIngestWorkspace, PAYMENT_HEADER, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

const AT = new Date("2024-05-01T08:00:00Z");

let dir: string, wh: Warehouse, write: IngestWorkspace["write"], options: IngestWorkspace["options"];

/** Ingests the paths at AT, in one load, and returns its load id. */
async function load(...paths: string[]): Promise<string> {
  const outcomes = await ingest(wh, paths, { ...options(), now: () => AT });
  return outcomes[0]!.loadId;
}

async function undo(...ids: string[]) {
  return undoLoads(wh, ids, { log: memoryLogger(), now: () => AT });
}

async function undoError(...ids: string[]): Promise<string> {
  return undo(...ids).then(
    () => {
      throw new Error("expected the undo to be refused");
    },
    (e: Error) => e.message,
  );
}

/** Every raw and replaced row with its lineage, in a stable order: what an undo must restore exactly. */
async function state(): Promise<string> {
  const parts: string[] = [];
  for (const spec of SPECS) {
    parts.push(JSON.stringify(await wh.all(`select * from raw.${spec.entity} order by all`)));
    parts.push(JSON.stringify(await wh.all(`select * from raw_replaced.${spec.entity} order by all`)));
  }
  return parts.join("\n");
}

beforeEach(async () => {
  ({ dir, wh, write, options } = await openIngestWorkspace());
});
afterEach(() => wh.close());

describe("undoLoads(wh, loadIds)", () => {
  it("restores what a load replaced and removes what it added, exactly as before it", async () => {
    await load(write("payments-1.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\nP1,C1,2024-02-10,40,USD,INV2\nP2,C1,2024-02-11,5,USD,\n`));
    const afterA = await state();
    const b = await load(
      write("payments-2.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,100,USD,INV1\nP2,C1,2024-02-11,5,USD,\nP3,C2,2024-02-12,9,USD,INV3\n`),
      write("customers.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`),
    );
    expect(await wh.all("select count(*) as n from raw.payments")).toEqual([{ n: "3" }]);

    const [undone] = await undo(b);
    // B wrote P1→INV1 100, P3 and C1 (P2 was unchanged, so B never wrote it) and replaced P1's two rows.
    expect(undone).toEqual({ loadId: b, files: ["customers.csv", "payments-2.csv"], rowsRemoved: 3, rowsRestored: 2 });
    expect(await state()).toBe(afterA);
  });

  it("marks the load undone, so that its file loads again, and keeps the file in the archive", async () => {
    const body = `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`;
    const a = await load(write("customers.csv", body));
    await undo(a);
    expect(await wh.all("select outcome, undone_at = $2::TIMESTAMPTZ as at_now from meta.load_log where load_id = $1", [a, AT.toISOString()])).toEqual([
      { outcome: "undone", at_now: true },
    ]);
    expect(await wh.all("select count(*) as n from raw.customers")).toEqual([{ n: "0" }]);
    const sha = createHash("sha256").update(body).digest("hex");
    expect(existsSync(join(dir, "archive", "customers", `${sha}.csv`))).toBe(true);

    const again = await ingest(wh, [join(dir, "in", "customers.csv")], options());
    expect(again.map((o) => o.outcome)).toEqual(["loaded"]);
    expect(await wh.all("select customer_id from raw.customers")).toEqual([{ customer_id: "C1" }]);
  });

  it("refuses a load with a later load still in place, naming it, and then undoes them latest first", async () => {
    await ensureRawSchema(wh);
    const empty = await state();
    const a = await load(write("customers-1.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`));
    const b = await load(write("customers-2.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,2000,30,USD,\n`));
    const c = await load(write("customers-3.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,3000,30,USD,\n`));
    expect(await undoError(a)).toBe(`cannot undo load ${a}: later load(s) ${c}, ${b} loaded files after it; undo those first, latest first (or together in one --undo)`);
    expect(await undoError(a, b)).toContain(`later load(s) ${c} loaded files`);
    await undo(c);
    expect(await wh.all("select credit_limit from raw.customers")).toEqual([{ credit_limit: "2000.00" }]);
    // Given together, in any order, they are undone latest first, in one transaction.
    await undo(a, b);
    expect(await state()).toBe(empty);
  });

  it("is not blocked by a later ingest that only skipped files or was rejected", async () => {
    const body = `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`;
    const a = await load(write("customers.csv", body));
    await load(write("customers-again.csv", body));
    await expect(load(write("customers-bad.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,abc,30,USD,\n`))).rejects.toThrow(/nothing was loaded/);
    await undo(a);
    expect(await wh.all("select count(*) as n from raw.customers")).toEqual([{ n: "0" }]);
  });

  it("counts a later load whose rows were all unchanged: its file would stay loaded with its rows gone", async () => {
    const a = await load(write("customers-1.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`));
    const b = await load(write("customers-2.csv", `${CUSTOMER_HEADER}\r\nC1,Acme,Retail,North,Lan,,1000,30,USD,\r\n`));
    expect(await wh.all("select rows_written from meta.load_log where load_id = $1", [b])).toEqual([{ rows_written: "0" }]);
    expect(await undoError(a)).toContain(`later load(s) ${b} loaded files after it`);
    const [undone] = await undo(b);
    expect(undone).toMatchObject({ rowsRemoved: 0, rowsRestored: 0 });
    await undo(a);
    expect(await wh.all("select count(*) as n from raw.customers")).toEqual([{ n: "0" }]);
  });

  it("undoes a load whose second file restated its first, to the state before the load", async () => {
    const a = await load(write("payments-1.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,50,USD,INV1\n`));
    const afterA = await state();
    const b = await load(write("payments-2.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,60,USD,INV1\n`), write("payments-3.csv", `${PAYMENT_HEADER}\nP1,C1,2024-02-10,70,USD,INV2\n`));
    expect(await wh.all("select document_id, amount from raw.payments")).toEqual([{ document_id: "INV2", amount: "70.00" }]);
    await undo(b);
    expect(await state()).toBe(afterA);
    await undo(a);
  });

  it("refuses, in words, an unknown id, a load already undone and a load that wrote nothing", async () => {
    const body = `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`;
    const a = await load(write("customers.csv", body));
    const skipped = await load(write("customers-copy.csv", body));
    expect(await undoError("nope")).toMatch(/^no load nope in meta\.load_log/);
    expect(await undoError(skipped)).toBe(`load ${skipped} wrote nothing (its files were skipped_duplicate): there is nothing to undo`);
    await undo(a);
    expect(await undoError(a)).toBe(`load ${a} was already undone at 2024-05-01 08:00:00 UTC`);
  });

  it("refuses a load made before loads kept what they replaced, and keeps such a warehouse working", async () => {
    // A warehouse written by the previous arwatch: load_log without the added columns.
    await wh.run("create schema meta");
    await wh.run(`create table meta.load_log (load_id VARCHAR, file_name VARCHAR, file_path VARCHAR, entity VARCHAR, sha256 VARCHAR,
      bytes BIGINT, rows BIGINT, outcome VARCHAR, message VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ)`);
    await wh.run("insert into meta.load_log values ('old', 'customers.csv', '/x/customers.csv', 'customers', 'abc', 10, 1, 'loaded', null, now(), now())");
    const b = await load(write("customers.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`));
    expect(await wh.all("select load_id, load_seq from meta.load_log order by load_seq nulls first")).toEqual([
      { load_id: "old", load_seq: null },
      { load_id: b, load_seq: "1" },
    ]);
    expect(await undoError("old")).toMatch(/^load old was made by an earlier arwatch that kept no record of the rows it replaced, so it cannot be undone/);
    await undo(b);
  });

  it("changes nothing when it fails part-way", async () => {
    const a = await load(write("customers-1.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,1000,30,USD,\n`));
    await load(write("customers-2.csv", `${CUSTOMER_HEADER}\nC1,Acme,Retail,North,Lan,,2000,30,USD,\n`));
    const before = await state();
    const log = await wh.all("select * from meta.load_log order by all");
    // The later load is found only after the first id has been checked: the refusal must roll back everything.
    await undoError(a);
    expect(await state()).toBe(before);
    expect(await wh.all("select * from meta.load_log order by all")).toEqual(log);
  });
});
