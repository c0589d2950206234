import { dirname, join } from "node:path";
import { loadConfig, type Config } from "./config.ts";
import { localToday, parseIsoDate } from "./dates.ts";
import { stderrLogger, type Logger } from "./log.ts";
import { DEFAULT_DB } from "./warehouse.ts";

/** The options every command takes. */
export interface GlobalOptions {
  db: string;
  config?: string;
  asOf?: string;
}

export interface Context {
  db: string;
  config: Config;
  asOf: string;
  log: Logger;
  /** Accepted extracts are archived here: ingest.archiveDir, else an archive/ folder beside the warehouse. */
  archiveDir: string;
}

export function contextFrom(options: GlobalOptions, log: Logger = stderrLogger): Context {
  const config = loadConfig(options.config);
  const asOf = options.asOf ? parseIsoDate(options.asOf, "--as-of") : localToday();
  const archiveDir = config.ingest.archiveDir ?? join(dirname(options.db), "archive");
  return { db: options.db ?? DEFAULT_DB, config, asOf, log, archiveDir };
}
