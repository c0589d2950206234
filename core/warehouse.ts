import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, extname } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";

export const DEFAULT_DB = "data/warehouse.duckdb";

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
/** Rows as JSON-safe values: DECIMAL and BIGINT as exact strings, DATE as 'YYYY-MM-DD' (time-zone free). */
export type Row = Record<string, unknown>;

/**
 * The warehouse connection. One connection per process, so that a transaction, a SET or a TEMP
 * table carries over between the statements of a stage.
 */
export interface Warehouse {
  readonly path: string;
  run(sql: string, params?: Params): Promise<void>;
  all<T = Row>(sql: string, params?: Params): Promise<T[]>;
  /**
   * The rows a chunk at a time (DuckDB's vectors, about 2,048 rows), the event loop free between
   * chunks: for a server reading a large result while it keeps answering requests. Unlike all(),
   * values come as DuckDB's own JS values, unconverted: VARCHAR a string, INTEGER and DOUBLE a
   * number, BIGINT and HUGEINT a bigint, NULL null (other types are objects: cast them in the SQL).
   * Exact money travels as a whole number of cents (HUGEINT), with no text in between.
   */
  batches<T = Row>(sql: string, params?: Params): AsyncIterable<T[]>;
  /**
   * Appends rows to a temporary table of this connection whose columns are all VARCHAR (null: SQL
   * NULL), for rows made in memory: DuckDB's appender, no statement per row and no file between.
   * The caller casts them into their types with SQL.
   */
  appendText(tempTable: string, rows: readonly (readonly (string | null)[])[]): Promise<void>;
  /** Runs fn inside BEGIN … COMMIT; any error rolls everything back and is rethrown. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /**
   * Whether a missing file may be created (default true). Only the commands that load data create
   * a warehouse: anything else given a mistyped path must say so, not build an empty one.
   */
  create?: boolean;
  /**
   * Read-only, and nothing outside the warehouse: no file reads or writes (read_csv, COPY, EXPORT,
   * ATTACH), no extension installs, and the settings locked so that a query cannot turn them back on.
   */
  sandboxed?: boolean;
}

/** Thrown when a command that may not create a warehouse is pointed at a file that does not exist. */
export class NoWarehouse extends Error {
  constructor(readonly path: string) {
    super(`no warehouse at ${path}: run arwatch ingest (or arwatch run) first; only they create a warehouse`);
    this.name = "NoWarehouse";
  }
}

/**
 * The schemas arwatch's stages write and read. DuckDB names a database after its file, so a
 * warehouse called marts.duckdb makes every `marts.x` ambiguous (catalog or schema?) and fails.
 */
const SCHEMA_NAMES = ["raw", "raw_replaced", "staging", "intermediate", "marts", "meta", "notify", "main", "temp", "system"];

/** Why a file cannot be a warehouse because of its name, or undefined when it can. */
export function warehouseNameProblem(path: string): string | undefined {
  const catalog = basename(path, extname(path)).toLowerCase();
  if (!SCHEMA_NAMES.includes(catalog)) return undefined;
  return (
    `cannot use ${path} as a warehouse: DuckDB names the database after its file ("${catalog}"), which clashes with ` +
    `arwatch's schema of that name; choose another file name, e.g. ${dirname(path)}/${catalog}-warehouse.duckdb`
  );
}

/**
 * Keeps memory for DuckDB's 256 KB blocks instead of handing them back to the system: a quarter of
 * what DuckDB may use (its memory limit: 80 % of the machine's, or of a container's limit). A build
 * or an ingest allocates and frees gigabytes of blocks; freed to the system, each page is faulted
 * in again on its next use, which on a virtual machine costs more than the work (1M documents:
 * 1.3M page faults, a fifth of the build's CPU as system time). Kept, a freed block is reused as it
 * is; the system may still take its pages back when short (DuckDB marks them MADV_FREE), and the
 * space is only reserved until a block is used. Set once, after the database opened: given when it
 * opens, a size beyond DuckDB's memory (a container's limit is below the machine's) aborts the
 * process; set after, DuckDB refuses it with an error, and DuckDB cannot shrink it later. Only
 * speed depends on it, so a refusal leaves DuckDB's default.
 */
async function keepBlockMemory(connection: DuckDBConnection): Promise<void> {
  try {
    await connection.run("set block_allocator_memory = '25%'");
  } catch {
    // DuckDB's default: blocks go back to the system.
  }
}

/** Opens (creating if needed and allowed) a DuckDB file, or ':memory:' for tests. */
export async function openWarehouse(path: string, options: OpenOptions = {}): Promise<Warehouse> {
  // ':memory:' (tests) and 'md:' (a MotherDuck database) are not local files.
  const localFile = path !== ":memory:" && !path.startsWith("md:");
  const nameProblem = localFile ? warehouseNameProblem(path) : undefined;
  if (nameProblem) throw new Error(nameProblem);
  const mayCreate = (options.create ?? true) && !options.readOnly && !options.sandboxed;
  if (localFile && !existsSync(path) && !mayCreate) throw new NoWarehouse(path);
  if (localFile) mkdirSync(dirname(path), { recursive: true });
  const settings: Record<string, string> = {
    // Offline machines: never try to download an extension.
    autoinstall_known_extensions: "false",
  };
  if (options.readOnly || options.sandboxed) settings.access_mode = "READ_ONLY";
  if (options.sandboxed) {
    Object.assign(settings, {
      enable_external_access: "false",
      autoload_known_extensions: "false",
      lock_configuration: "true",
    });
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, settings);
  } catch (e) {
    throw new Error(`cannot open warehouse ${path}: ${firstLine(e)}`);
  }
  const connection = await instance.connect();
  if (localFile && !options.readOnly && !options.sandboxed) await keepBlockMemory(connection);
  return wrap(path, instance, connection);
}

function wrap(path: string, instance: DuckDBInstance, connection: DuckDBConnection): Warehouse {
  const wh: Warehouse = {
    path,
    async run(sql, params) {
      await connection.run(sql, params);
    },
    async all<T>(sql: string, params?: Params) {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    },
    async *batches<T>(sql: string, params?: Params) {
      const result = await connection.stream(sql, params);
      for await (const rows of result.yieldRowObjects()) {
        yield rows as T[];
        // Converting a chunk is synchronous work: let waiting requests run before the next one.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async appendText(tempTable, rows) {
      const appender = await connection.createAppender(tempTable, "main", "temp");
      try {
        for (const row of rows) {
          for (const value of row) {
            if (value === null) appender.appendNull();
            else appender.appendVarchar(value);
          }
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    },
    async transaction(fn) {
      await connection.run("begin transaction");
      try {
        const result = await fn();
        await connection.run("commit");
        return result;
      } catch (e) {
        try {
          await connection.run("rollback");
        } catch {
          // A failed COMMIT has already rolled back; the original error is the one to report.
        }
        throw e;
      }
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
  return wh;
}

/** Drops this connection's temp tables whose names match a regular expression (DuckDB's RE2 syntax). */
export async function dropTempTables(wh: Warehouse, namePattern: string): Promise<void> {
  const tables = await wh.all<{ name: string }>(
    "select table_name as name from duckdb_tables() where temporary and regexp_matches(table_name, $1)",
    [namePattern],
  );
  for (const { name } of tables) await wh.run(`drop table if exists temp.main.${ident(name)}`);
}

/** The first line of an error's message: DuckDB errors carry multi-line context. */
export function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0] ?? message;
}

/** Quotes an identifier for SQL; identifiers come from specs and model files, never from data. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal, for the few places DuckDB takes no parameter (a table function's path). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
