import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, type Config } from "../../core/config.ts";
import { memoryLogger, type Logger } from "../../core/log.ts";
import { openWarehouse, type Warehouse } from "../../core/warehouse.ts";
import { ingest, type FileOutcome, type IngestOptions } from "../../ingest/ingest.ts";
import { IngestRejected } from "../../ingest/report.ts";
import { tempDir } from "./warehouse.ts";

/** The headers of the extract contract (README), in contract column order. */
export const INVOICE_HEADER = "document_id,customer_id,document_type,document_date,due_date,amount,currency,applies_to";
export const CUSTOMER_HEADER = "customer_id,customer_name,customer_group,team,collector,collector_email,credit_limit,credit_term_days,currency,status";
export const PAYMENT_HEADER = "payment_id,customer_id,payment_date,amount,currency,document_id";

/** A real warehouse file in a fresh temp folder, with the folder extracts are written to. */
export interface IngestWorkspace {
  /** The temp folder: in/ for extracts, archive/ for ingest's archive, warehouse.duckdb. */
  dir: string;
  wh: Warehouse;
  /** dir/archive, the archive every ingest of this workspace uses. */
  archiveDir: string;
  /** What ingest() is given here: the workspace config, this archive and `log` (a fresh memory log if none); the real clock. */
  options(log?: Logger): IngestOptions;
  /** Writes an extract into dir/in and returns its path. */
  write(name: string, content: string | Buffer): string;
  /** Ingests the paths in one load, with a fresh memory log returned for assertions on what the user was told. */
  load(...paths: string[]): Promise<{ outcomes: FileOutcome[]; log: ReturnType<typeof memoryLogger> }>;
  /** Ingests the paths and returns the IngestRejected they must raise; fails if the ingest succeeds or throws anything else. */
  rejection(...paths: string[]): Promise<IngestRejected>;
  close(): void;
}

/**
 * Makes a temp folder with an empty in/ and opens a warehouse file in it, for one test: each test
 * file assigns it in beforeEach (or beforeAll) and closes it after. Ingests use `config` (default: the defaults).
 */
export async function openIngestWorkspace(config: Config = parseConfig({})): Promise<IngestWorkspace> {
  const dir = tempDir();
  mkdirSync(join(dir, "in"));
  const wh = await openWarehouse(join(dir, "warehouse.duckdb"));
  const archiveDir = join(dir, "archive");
  const options = (log: Logger = memoryLogger()): IngestOptions => ({ config, log, archiveDir });
  return {
    dir,
    wh,
    archiveDir,
    options,
    write(name, content) {
      const path = join(dir, "in", name);
      writeFileSync(path, content);
      return path;
    },
    async load(...paths) {
      const log = memoryLogger();
      return { outcomes: await ingest(wh, paths, options(log)), log };
    },
    async rejection(...paths) {
      try {
        await ingest(wh, paths, options());
      } catch (e) {
        if (e instanceof IngestRejected) return e;
        throw e;
      }
      throw new Error("expected the ingest to be rejected");
    },
    close: () => wh.close(),
  };
}
