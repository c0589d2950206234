import type { Row } from "../core/warehouse.ts";
import { safeForTableCell } from "./terminal-text.ts";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return safeForTableCell(typeof value === "object" ? JSON.stringify(value) : String(value));
}

/** A plain aligned text table; numbers right-aligned; control characters made visible. */
export function formatTable(rows: Row[], columns = rows[0] ? Object.keys(rows[0]) : []): string {
  if (columns.length === 0) return "(no rows)";
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const headers = columns.map((c) => safeForTableCell(c));
  const numeric = columns.map((_, i) => cells.length > 0 && cells.every((r) => r[i] === "" || /^-?[\d.,]+$/.test(r[i]!)));
  const widths = headers.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? "" : "s"})`].join("\n");
}
