import { rmSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { TOTALS_SQL, duckdbAgingSql } from "./aging-sql.ts";
import { MONTH_END_BUCKET_SQL, MONTH_END_ITEMS_SQL, MONTH_END_TOTALS_SQL, duckdbMonthEndSql } from "./month-end-sql.ts";
import {
  DUCKDB_TYPES,
  OTHER_LOADED_NAMES,
  TABLE_NAMES,
  columnsOf,
  csvPathOf,
  declaredColumns,
  quoteIdent,
  quoteLiteral,
  type BenchTable,
  type LoadedTable,
  type OtherLoadedTable,
} from "./tables.ts";

const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);

/**
 * The floor: the least work that answers the same question with the same engine arwatch uses.
 * Typed read_csv into tables of every extract arwatch ingests, one aging query, nothing else —
 * no validation, no archive, no load log, no marts. arwatch's overhead is measured against this.
 */
export interface FloorResult {
  loadMs: number;
  agingMs: number;
  /** CPU time (user + system, all of DuckDB's threads) of the load and of the aging, from process.cpuUsage(). */
  loadCpuMs: number;
  agingCpuMs: number;
  rows: Record<BenchTable, number>;
  /** Rows of the other extracts it loaded because arwatch ingests them (tables.ts OTHER_LOADED_TABLES). */
  otherRows: Partial<Record<OtherLoadedTable, number>>;
  openItems: number;
  /** [bucket, outstanding as exact text] */
  totals: [string, string][];
  duckdbVersion: string;
}

export function duckdbReadCsv(table: LoadedTable, csvPath: string): string {
  const columns = columnsOf(table, csvPath)
    .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(DUCKDB_TYPES[c.kind])}`)
    .join(", ");
  // auto_detect off: the types are given, so DuckDB does not sample the file to guess them.
  return `read_csv(${quoteLiteral(csvPath)}, header = true, auto_detect = false, delim = ',', quote = '"',
    escape = '"', columns = {${columns}})`;
}

export async function runFloor(extractsDir: string, dbPath: string, asOf: string): Promise<FloorResult> {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const instance = await DuckDBInstance.create(dbPath, { autoinstall_known_extensions: "false" });
  const db = await instance.connect();
  try {
    const versionRows = (await db.runAndReadAll("select version() as v")).getRowObjectsJson();
    const duckdbVersion = String(versionRows[0]?.v ?? "unknown");

    const loadStart = performance.now();
    const loadCpu = process.cpuUsage();
    for (const table of TABLE_NAMES) {
      const csv = csvPathOf(extractsDir, table);
      if (csv) {
        await db.run(`create table ${quoteIdent(table)} as select * from ${duckdbReadCsv(table, csv)}`);
      } else {
        const ddl = declaredColumns(table).map((c) => `${quoteIdent(c.name)} ${DUCKDB_TYPES[c.kind]}`).join(", ");
        await db.run(`create table ${quoteIdent(table)} (${ddl})`);
      }
    }
    // The same files as arwatch: it ingests every extract of the folder, these included.
    const loadedOthers: OtherLoadedTable[] = [];
    for (const table of OTHER_LOADED_NAMES) {
      const csv = csvPathOf(extractsDir, table);
      if (!csv) continue;
      await db.run(`create table ${quoteIdent(table)} as select * from ${duckdbReadCsv(table, csv)}`);
      loadedOthers.push(table);
    }
    // Same durability as arwatch, whose transactions commit to the file: flush before stopping the clock.
    await db.run("checkpoint");
    const loadMs = performance.now() - loadStart;
    const loadCpuMs = cpuMs(process.cpuUsage(loadCpu));

    const agingStart = performance.now();
    const agingCpu = process.cpuUsage();
    await db.run(duckdbAgingSql(asOf));
    await db.run("checkpoint");
    const agingMs = performance.now() - agingStart;
    const agingCpuMs = cpuMs(process.cpuUsage(agingCpu));

    const rows = {} as Record<BenchTable, number>;
    for (const table of TABLE_NAMES) {
      const r = (await db.runAndReadAll(`select count(*) as n from ${quoteIdent(table)}`)).getRowObjectsJson();
      rows[table] = Number(r[0]?.n ?? 0);
    }
    const otherRows: Partial<Record<OtherLoadedTable, number>> = {};
    for (const table of loadedOthers) {
      const r = (await db.runAndReadAll(`select count(*) as n from ${quoteIdent(table)}`)).getRowObjectsJson();
      otherRows[table] = Number(r[0]?.n ?? 0);
    }
    const open = (await db.runAndReadAll("select count(*) as n from open_items")).getRowObjectsJson();
    const totals = (await db.runAndReadAll(TOTALS_SQL.duckdb)).getRowsJson().map((r) => [String(r[0]), String(r[1])] as [string, string]);
    return { loadMs, agingMs, loadCpuMs, agingCpuMs, rows, otherRows, openItems: Number(open[0]?.n ?? 0), totals, duckdbVersion };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export interface FloorMonthEndResult {
  monthEndMs: number;
  /** Rows of month_end_aging (month_end × customer × bucket). */
  rows: number;
  /** Open items summed over all month-ends. */
  openItems: number;
  /** [month_end, outstanding as exact text] */
  totals: [string, string][];
  /** [month_end, aging_bucket, outstanding as exact text] */
  bucketTotals: [string, string, string][];
}

/**
 * The floor's month-end history: the straightforward month-end join (month-end-sql.ts) on the
 * database runFloor loaded, opened afresh, as arwatch's `build --select fct_month_end_aging`
 * opens its warehouse. Timed around the SQL, ending with a CHECKPOINT like the aging.
 */
export async function runFloorMonthEnd(dbPath: string, monthEnds: readonly string[]): Promise<FloorMonthEndResult> {
  const instance = await DuckDBInstance.create(dbPath, { autoinstall_known_extensions: "false" });
  const db = await instance.connect();
  try {
    const start = performance.now();
    await db.run(duckdbMonthEndSql(monthEnds));
    await db.run("checkpoint");
    const monthEndMs = performance.now() - start;

    const count = (await db.runAndReadAll("select count(*) as n from month_end_aging")).getRowObjectsJson();
    const items = (await db.runAndReadAll(MONTH_END_ITEMS_SQL.duckdb)).getRowObjectsJson();
    const totals = (await db.runAndReadAll(MONTH_END_TOTALS_SQL.duckdb)).getRowsJson().map((r) => [String(r[0]), String(r[1])] as [string, string]);
    const bucketTotals = (await db.runAndReadAll(MONTH_END_BUCKET_SQL.duckdb))
      .getRowsJson()
      .map((r) => [String(r[0]), String(r[1]), String(r[2])] as [string, string, string]);
    return { monthEndMs, rows: Number(count[0]?.n ?? 0), openItems: Number(items[0]?.n ?? 0), totals, bucketTotals };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
