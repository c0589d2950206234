import type { Warehouse } from "../core/warehouse.ts";
import { ident } from "../core/warehouse.ts";
import { SPECS, sqlType } from "./specs.ts";

/** Lineage kept on every raw row, so that any figure can be traced to a file and a line. */
const LINEAGE = ["_load_id VARCHAR", "_source_file VARCHAR", "_source_row INTEGER", "_loaded_at TIMESTAMPTZ"];

/**
 * Creates the raw tables (written only by ingest) and the meta tables. Every raw table exists
 * even before its first extract, so that the models build on a partial set of extracts.
 */
export async function ensureRawSchema(wh: Warehouse): Promise<void> {
  await wh.run("create schema if not exists raw");
  await wh.run("create schema if not exists meta");
  for (const spec of SPECS) {
    const columns = spec.columns.map((c) => `${ident(c.name)} ${sqlType(c)}`);
    await wh.run(`create table if not exists raw.${ident(spec.entity)} (${[...columns, ...LINEAGE].join(", ")})`);
  }
  await wh.run(
    `create table if not exists meta.load_log (
       load_id VARCHAR, file_name VARCHAR, file_path VARCHAR, entity VARCHAR, sha256 VARCHAR,
       bytes BIGINT, rows BIGINT, outcome VARCHAR, message VARCHAR,
       started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ)`,
  );
}
