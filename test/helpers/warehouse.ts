import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, type Config } from "../../core/config.ts";
import { silentLogger } from "../../core/log.ts";
import { openWarehouse, ident, type Row, type Warehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { ensureNotifySchema } from "../../notify/schema.ts";
import { ensureCreditSchema } from "../../credit/warehouse-tables.ts";
import { buildModels, type BuildResult } from "../../models/runner/build.ts";
import { modelSettings } from "../../models/settings.ts";

export function tempDir(prefix = "arwatch-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An in-memory warehouse with the raw tables, for model tests. */
export async function emptyWarehouse(): Promise<Warehouse> {
  const wh = await openWarehouse(":memory:");
  await ensureRawSchema(wh);
  return wh;
}

/** Inserts rows (column → value as text) into raw.<entity>; DuckDB casts the text to each column's type. */
export async function insertRaw(wh: Warehouse, entity: string, rows: Record<string, string | number | null>[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    const params = columns.map((c) => (row[c] === null ? null : String(row[c])));
    await wh.run(
      `insert into raw.${ident(entity)} (${columns.map(ident).join(", ")}) values (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
      params,
    );
  }
}

export async function build(wh: Warehouse, asOf: string, config: Config = parseConfig({})): Promise<BuildResult> {
  return buildModels(wh, { asOf, log: silentLogger, ...modelSettings(config), prepare: prepareSources });
}

/** Rows keyed by one column, for assertions that read like the worked example. */
export async function byKey(wh: Warehouse, sql: string, key: string): Promise<Record<string, Row>> {
  const rows = await wh.all(sql);
  return Object.fromEntries(rows.map((r) => [String(r[key]), r]));
}

/** What the CLI's build prepares: the raw tables, the notifier's and the credit check's, so the alerts and credit views are built too. */
async function prepareSources(wh: Warehouse): Promise<void> {
  await ensureRawSchema(wh);
  await ensureNotifySchema(wh);
  await ensureCreditSchema(wh);
}
