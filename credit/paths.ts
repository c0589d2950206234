import { basename, dirname, extname, join } from "node:path";
import type { Config } from "../core/config.ts";

/** The warehouse file's name without its extension, in its folder: data/warehouse.duckdb → data/warehouse. */
function besideWarehouse(db: string, suffix: string): string {
  return join(dirname(db), `${basename(db, extname(db))}${suffix}`);
}

/**
 * The credit standing a build publishes for the check (a small DuckDB file of its own), so that
 * the check and the server never open the warehouse, which a build may be writing.
 */
export function standingPath(db: string): string {
  return besideWarehouse(db, ".credit-standing.duckdb");
}

/** The append-only log of checks and overrides: creditCheck.logFile, else beside the warehouse. */
export function creditLogPath(db: string, config: Config): string {
  return config.creditCheck.logFile ?? besideWarehouse(db, ".credit-log.jsonl");
}

/** The lock naming the one process that appends to the credit log (a server, or one `arwatch check`). */
export function creditLogLockPath(logFile: string): string {
  return `${logFile}.lock`;
}
