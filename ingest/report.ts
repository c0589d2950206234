import { csvLayout } from "./lines.ts";
import { isWorkbook, type FileProblem } from "./read.ts";
import type { ExtractFile } from "./discover.ts";
import type { RowProblem } from "./validate.ts";

/** An ingest that loaded nothing; `details` name each file, line, column, value and reason. */
export class IngestRejected extends Error {
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(message);
    this.name = "IngestRejected";
  }
}

/** Shows a value as the user typed it, visibly quoted, with control characters made visible. */
function show(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  const clipped = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(clipped);
}

function where(file: ExtractFile, line: number | undefined, column?: string): string {
  // A workbook's lines are its sheet's rows, numbered as Excel numbers them.
  const at = line === undefined ? "" : file.format === "parquet" || isWorkbook(file.name) ? ` row ${line}` : ` line ${line}`;
  // A source's file names its own column labels: "จำนวนเงิน" (amount).
  const label = column === undefined ? undefined : (file.labels?.get(column) ?? column);
  const source = file.source ? `source ${file.source.name}: ` : "";
  return `${source}${file.name}${at}${label ? `, column ${label}` : ""}`;
}

/** Maps 1-based data rows to lines in the file (rows for Parquet, which has no lines). */
export function rowToLine(file: ExtractFile): (row: number) => number {
  if (file.format === "csv") {
    const starts = csvLayout(file.path).recordStartLines;
    return (row) => starts[row] ?? row + 1;
  }
  // JSON Lines rows are numbered by their line already; Parquet rows are rows.
  return (row) => row;
}

/** One line per example, then a count line when there are more rows of the same kind. */
export function describeProblems(file: ExtractFile, fileProblems: FileProblem[], rowProblems: RowProblem[]): string[] {
  const lines: string[] = [];
  for (const p of fileProblems) {
    const value = p.value === undefined ? "" : `, value ${show(p.value)}`;
    lines.push(`${where(file, p.line, p.column)}${value}: ${p.reason}`);
    if (p.count && p.count > 1) lines.push(`${file.name}: ${p.count.toLocaleString("en-US")} lines in all: ${p.reason}`);
  }
  if (rowProblems.length === 0) return lines;
  const lineOf = rowToLine(file);
  for (const p of rowProblems) {
    p.rows.forEach((row, i) => {
      const first = p.firstRows?.[i];
      const also = first === undefined ? "" : ` (first on ${file.format === "parquet" || isWorkbook(file.name) ? "row" : "line"} ${lineOf(first)})`;
      lines.push(`${where(file, lineOf(row), p.column)}, value ${show(p.values[i])}: ${p.reason}${also}`);
    });
    const what = p.column ? `${p.column}: ` : "";
    if (p.count > p.rows.length) lines.push(`${file.name}: ${p.count.toLocaleString("en-US")} rows in all: ${what}${p.reason}`);
  }
  return lines;
}
