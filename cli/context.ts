import { dirname, join } from "node:path";
import { loadConfig, type Config } from "../core/config.ts";
import { localToday, parseAsOfDate } from "../core/dates.ts";
import { stderrLogger, type Logger } from "../core/log.ts";
import { DEFAULT_DB } from "../core/warehouse.ts";

/** The shared options, as commander hands them over; a command may offer only some of them. */
export interface GlobalOptions {
  db?: string;
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
  // Without --as-of, today in schedule.timezone when set, so a manual run and the scheduler's agree.
  const asOf = options.asOf ? parseAsOfDate(options.asOf, "--as-of") : localToday(new Date(), config.schedule.timezone);
  const db = options.db ?? DEFAULT_DB;
  const archiveDir = config.ingest.archiveDir ?? join(dirname(db), "archive");
  return { db, config, asOf, log, archiveDir };
}
