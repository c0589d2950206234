import { openSync, readSync, closeSync, statSync } from "node:fs";
import { extname } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import { firstLine, literal } from "../core/warehouse.ts";
import { csvLayout } from "./lines.ts";

export type FileFormat = "csv" | "parquet" | "jsonl";

const FORMATS: Record<string, FileFormat> = {
  ".csv": "csv",
  ".tsv": "csv",
  ".txt": "csv",
  ".parquet": "parquet",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
};

export function formatOf(path: string): FileFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

/** A problem with the file as a whole or with one line of it. */
export interface FileProblem {
  reason: string;
  line?: number;
  column?: string;
  value?: string;
  count?: number;
}

/**
 * An extract opened for reading: `source` is a SQL relation yielding every column as text, in
 * file order. Nothing is materialised yet: validation reads it once, typing as it goes.
 */
export interface OpenedExtract {
  source: string;
  columns: string[];
  /** Problems that stop the file being read at all (empty, unparseable). */
  problems: FileProblem[];
}

/** The delimiter is the one of comma, semicolon and tab that splits the header line most often. */
function sniffDelimiter(path: string): string {
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(65536);
  const n = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const header = buffer.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n/)[0] ?? "";
  const outsideQuotes = header.replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t"].map((d) => [d, outsideQuotes.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ",";
}

/** Opens a file as a text relation and reads its header; the rows are read by validation. */
export async function openExtract(wh: Warehouse, path: string, format: FileFormat, n: number): Promise<OpenedExtract> {
  if (statSync(path).size === 0) return { source: "", columns: [], problems: [{ reason: "the file is empty: no header line" }] };
  let source: string;
  if (format === "csv") {
    // store_rejects keeps malformed lines (with their line numbers) out of the rows and in _rejects_<n>.
    source = `read_csv(${literal(path)}, header = true, all_varchar = true, delim = ${literal(sniffDelimiter(path))},
      quote = '"', escape = '"', strict_mode = true, null_padding = false, store_rejects = true,
      rejects_table = '_rejects_${n}', rejects_scan = '_reject_scans_${n}')`;
  } else if (format === "parquet") {
    source = `(select columns(*)::varchar from read_parquet(${literal(path)}))`;
  } else {
    source = `(select columns(*)::varchar from read_json(${literal(path)}, format = 'newline_delimited', records = true))`;
  }
  try {
    const columns = (await wh.all<{ column_name: string }>(`select column_name from (describe select * from ${source})`)).map((r) => r.column_name);
    return { source, columns, problems: [] };
  } catch (e) {
    return { source, columns: [], problems: [unreadable(path, format, e)] };
  }
}

/** Why a file could not be read; for CSV, an unclosed quote is found and named by its line. */
export function unreadable(path: string, format: FileFormat, e: unknown): FileProblem {
  const unclosed = format === "csv" ? csvLayout(path).unclosedQuoteLine : undefined;
  if (unclosed) return { reason: "a quoted field is never closed", line: unclosed };
  return { reason: `cannot be read as ${format}: ${firstLine(e)}` };
}

const REJECT_REASONS: Record<string, string> = {
  "MISSING COLUMNS": "the line has fewer fields than the header (truncated line?)",
  "TOO MANY COLUMNS": "the line has more fields than the header (an unquoted delimiter?)",
  "INVALID ENCODING": "not valid UTF-8: save the extract as UTF-8",
  "UNQUOTED VALUE": "a quoted field has text after its closing quote",
  "LINE SIZE OVER MAXIMUM": "the line is longer than 2 MB",
};

/** The malformed lines a CSV scan set aside, one entry per kind with its first line and a count. */
export async function csvRejects(wh: Warehouse, n: number): Promise<FileProblem[]> {
  const rows = await wh.all<{ error_type: string; line: string; column_name: string | null; csv_line: string | null; error_message: string; count: string }>(
    `select error_type, min(line) as line, arg_min(column_name, line) as column_name,
            arg_min(csv_line, line) as csv_line, arg_min(error_message, line) as error_message, count(*) as count
       from _rejects_${n} group by all order by line`,
  );
  return rows.map((r) => ({
    reason: REJECT_REASONS[r.error_type] ?? r.error_message,
    line: Number(r.line),
    column: r.column_name ?? undefined,
    // DuckDB shows undecodable bytes as '?', which would misquote the line: name line and column only.
    value: r.error_type === "INVALID ENCODING" ? undefined : (r.csv_line?.replace(/^\n/, "") ?? undefined),
    count: Number(r.count),
  }));
}
