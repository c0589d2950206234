import type { Warehouse } from "../core/warehouse.ts";
import { ident } from "../core/warehouse.ts";
import { SPECS, sqlType, type EntitySpec } from "./specs.ts";

/** Lineage kept on every raw row, so that any figure can be traced to a file and a line. */
const LINEAGE = ["_load_id VARCHAR", "_source_file VARCHAR", "_source_row INTEGER", "_loaded_at TIMESTAMPTZ"];

/** The schema that keeps the raw rows each load replaced, for `ingest --undo`. */
export const REPLACED_SCHEMA = "raw_replaced";

/**
 * Columns added to meta.load_log after its first release. The load log is a documented contract:
 * columns are only ever added (never renamed), so warehouses made by an earlier arwatch keep
 * working and their loads keep their history.
 */
const LOAD_LOG_ADDED = [
  // Orders loads (one ingest call = one load_id); null for loads made before it existed, which
  // kept no record of what they replaced and so cannot be undone.
  "load_seq BIGINT",
  // Rows of the file that were new or changed, and so written with this load_id.
  "rows_written BIGINT",
  // Earlier rows this file replaced, kept in raw_replaced.<entity>.
  "rows_replaced BIGINT",
  "undone_at TIMESTAMPTZ",
  // The source mapping (config `sources`) that read the file; null for a canonical extract.
  "source VARCHAR",
];

function contractColumns(spec: EntitySpec): string[] {
  return spec.columns.map((c) => `${ident(c.name)} ${sqlType(c)}`);
}

/**
 * Creates the raw tables (written only by ingest), the tables of replaced rows, and the meta
 * tables. Every raw table exists even before its first extract, so that the models build on a
 * partial set of extracts.
 *
 * A warehouse made before a contract column existed (invoices.order_id) gets that column added,
 * empty for the rows it already holds. DuckDB appends an added column after the lineage columns,
 * so the tables of an upgraded warehouse order their columns differently from a new one's: every
 * insert into raw.* and raw_replaced.* names its columns (ingest/replace.ts, ingest/undo.ts), never
 * relies on their positions. The whole upgrade is one transaction: all of it or none of it.
 * Must not be called inside a transaction.
 */
export async function ensureRawSchema(wh: Warehouse): Promise<void> {
  await wh.transaction(async () => {
    await wh.run("create schema if not exists raw");
    await wh.run(`create schema if not exists ${REPLACED_SCHEMA}`);
    await wh.run("create schema if not exists meta");
    for (const spec of SPECS) {
      const columns = contractColumns(spec);
      await wh.run(`create table if not exists raw.${ident(spec.entity)} (${[...columns, ...LINEAGE].join(", ")})`);
      await wh.run(
        `create table if not exists ${REPLACED_SCHEMA}.${ident(spec.entity)}
           (${[...columns, ...LINEAGE, "_replaced_by VARCHAR", "_replaced_at TIMESTAMPTZ"].join(", ")})`,
      );
      for (const schema of ["raw", REPLACED_SCHEMA]) await addMissingColumns(wh, schema, spec);
    }
    await wh.run(
      `create table if not exists meta.load_log (
         load_id VARCHAR, file_name VARCHAR, file_path VARCHAR, entity VARCHAR, sha256 VARCHAR,
         bytes BIGINT, rows BIGINT, outcome VARCHAR, message VARCHAR,
         started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ)`,
    );
    for (const column of LOAD_LOG_ADDED) await wh.run(`alter table meta.load_log add column if not exists ${column}`);
  });
}

/** Adds the contract columns a table made by an earlier arwatch lacks; its rows get null there. */
async function addMissingColumns(wh: Warehouse, schema: string, spec: EntitySpec): Promise<void> {
  // pragma_table_info reads the one table; duckdb_columns() lists every column of every catalog first.
  const existing = await wh.all<{ name: string }>("select name from pragma_table_info($1)", [`${ident(schema)}.${ident(spec.entity)}`]);
  const have = new Set(existing.map((c) => c.name));
  for (const c of spec.columns) {
    if (!have.has(c.name)) await wh.run(`alter table ${schema}.${ident(spec.entity)} add column if not exists ${ident(c.name)} ${sqlType(c)}`);
  }
}
