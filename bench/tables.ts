import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

/**
 * The extracts the floor and the peer load, with the type of every column they know.
 * Both engines get the same explicit types (no sniffing), so that neither pays for inference
 * and both parse amounts into exact decimals: the totals must agree to the cent.
 */
export type ColumnKind = "text" | "date" | "amount" | "days";

export const BENCH_TABLES = {
  invoices: {
    document_id: "text",
    customer_id: "text",
    document_type: "text",
    document_date: "date",
    due_date: "date",
    amount: "amount",
    currency: "text",
    applies_to: "text",
  },
  payments: {
    payment_id: "text",
    customer_id: "text",
    payment_date: "date",
    amount: "amount",
    currency: "text",
    document_id: "text",
  },
  customers: {
    customer_id: "text",
    customer_name: "text",
    customer_group: "text",
    team: "text",
    collector: "text",
    collector_email: "text",
    credit_limit: "amount",
    credit_term_days: "days",
    currency: "text",
    status: "text",
  },
  // Only for the credit term in force on a document's date (see aging-sql.ts); small.
  credit_limits: {
    customer_id: "text",
    effective_date: "date",
    credit_limit: "amount",
    credit_term_days: "days",
  },
} as const satisfies Record<string, Record<string, ColumnKind>>;

export type BenchTable = keyof typeof BENCH_TABLES;
export const TABLE_NAMES = Object.keys(BENCH_TABLES) as BenchTable[];

/**
 * Extracts the generator writes and arwatch ingests (every file of the folder) that the aging
 * does not read. The floor loads them too, typed, inside its load time, so that both sides load
 * the same files (before 2026-12-01 only arwatch did: 14 MB of its 127 MB at 1M). The peer does
 * not (yet): peer-postgres.ts loads BENCH_TABLES only.
 */
export const OTHER_LOADED_TABLES = {
  collection_attempts: {
    attempt_id: "text",
    customer_id: "text",
    document_id: "text",
    attempt_date: "date",
    collector: "text",
    channel: "text",
    outcome: "text",
    reason: "text",
    promised_date: "date",
    promised_amount: "amount",
  },
  sales_orders: {
    order_id: "text",
    customer_id: "text",
    order_date: "date",
    unbilled_amount: "amount",
    currency: "text",
  },
} as const satisfies Record<string, Record<string, ColumnKind>>;

export type OtherLoadedTable = keyof typeof OTHER_LOADED_TABLES;
export const OTHER_LOADED_NAMES = Object.keys(OTHER_LOADED_TABLES) as OtherLoadedTable[];
/** Every table the floor loads. */
export type LoadedTable = BenchTable | OtherLoadedTable;
const KNOWN_COLUMNS: Record<LoadedTable, Record<string, ColumnKind>> = { ...BENCH_TABLES, ...OTHER_LOADED_TABLES };

/**
 * arwatch accepts extracts without a credit limit history, so the bench does too (an empty table);
 * nor does the aging need the extracts it does not read.
 */
const OPTIONAL: readonly LoadedTable[] = ["credit_limits", ...OTHER_LOADED_NAMES];

/** The extract's path; undefined for an optional extract that is absent. */
export function csvPathOf(extractsDir: string, table: LoadedTable): string | undefined {
  const path = join(extractsDir, `${table}.csv`);
  if (existsSync(path)) return path;
  if (OPTIONAL.includes(table)) return undefined;
  throw new Error(`${extractsDir} has no ${table}.csv`);
}

/** The columns of a table with no file: in the order they are declared above. */
export function declaredColumns(table: LoadedTable): Column[] {
  return Object.entries(KNOWN_COLUMNS[table]).map(([name, kind]) => ({ name, kind }));
}

export const DUCKDB_TYPES: Record<ColumnKind, string> = {
  text: "VARCHAR",
  date: "DATE",
  amount: "DECIMAL(18,2)",
  days: "INTEGER",
};

export const POSTGRES_TYPES: Record<ColumnKind, string> = {
  text: "text",
  date: "date",
  amount: "numeric(18,2)",
  days: "integer",
};

export interface Column {
  name: string;
  kind: ColumnKind;
}

/**
 * The file's columns in header order, typed. Both read_csv(columns=…) and COPY (col, …) bind
 * by position, so the header decides the order; a column we do not know is kept as text.
 */
export function columnsOf(table: LoadedTable, csvPath: string): Column[] {
  const known: Record<string, ColumnKind> = KNOWN_COLUMNS[table];
  const names = readHeader(csvPath);
  const missing = Object.keys(known).filter((k) => !names.includes(k));
  if (missing.length > 0) throw new Error(`${csvPath}: header lacks ${missing.join(", ")} (has: ${names.join(", ")})`);
  return names.map((name) => ({ name, kind: known[name] ?? "text" }));
}

/** The first line only: the extracts are gigabytes at 10M invoices. */
function readHeader(path: string): string[] {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(8192);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const line = buffer.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n/)[0] ?? "";
    return line.split(",").map((h) => h.trim().replace(/^"(.*)"$/, "$1").trim().toLowerCase());
  } finally {
    closeSync(fd);
  }
}

/** A double-quoted identifier, valid in both DuckDB and PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal, valid in both DuckDB and PostgreSQL (standard_conforming_strings). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
