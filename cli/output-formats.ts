import { stringify } from "csv-stringify/sync";
import type { Row } from "../core/warehouse.ts";
import { formatTable } from "./table-format.ts";
import { safeForTerminal } from "./terminal-text.ts";

export type OutputFormat = "table" | "csv" | "json";

/**
 * Rows for the terminal or a pipe. JSON escapes control characters by itself; table and CSV make
 * them visible, so extract text can never drive the terminal.
 */
export function formatRows(rows: Row[], format: OutputFormat): string {
  if (format === "json") return JSON.stringify(rows, null, 2);
  if (format === "table") return formatTable(rows);
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  const text = (v: unknown) => (v === null || v === undefined ? v : safeForTerminal(typeof v === "object" ? JSON.stringify(v) : String(v)));
  return stringify([columns.map((c) => text(c)), ...rows.map((r) => columns.map((c) => text(r[c])))]).trimEnd();
}
