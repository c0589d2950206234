import { stringify } from "csv-stringify/sync";
import { formatTable } from "./table-format.ts";
import type { Row } from "./warehouse.ts";

export function formatRows(rows: Row[], format: "table" | "csv" | "json"): string {
  if (format === "json") return JSON.stringify(rows, null, 2);
  if (format === "table") return formatTable(rows);
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  const cells = rows.map((r) => columns.map((c) => (r[c] !== null && typeof r[c] === "object" ? JSON.stringify(r[c]) : r[c])));
  return stringify([columns, ...cells]).trimEnd();
}
