import { openSync, readSync, closeSync, statSync } from "node:fs";
import { extname } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import { firstLine, ident, literal } from "../core/warehouse.ts";
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

export interface ReadResult {
  table: string;
  rows: number;
  columns: string[];
  /** Problems found while parsing (malformed lines, encodings); the table holds only good rows. */
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

/**
 * Reads a file, every column as text, into a temp table whose rowid is the file's row order.
 * Typing and checks happen afterwards in SQL (validate.ts), so that every bad value can be named.
 */
export async function readExtract(wh: Warehouse, path: string, format: FileFormat, n: number): Promise<ReadResult> {
  const table = `_in_${n}`;
  if (statSync(path).size === 0) return { table, rows: 0, columns: [], problems: [{ reason: "the file is empty: no header line" }] };
  const problems: FileProblem[] = [];
  try {
    if (format === "csv") {
      const delim = sniffDelimiter(path);
      await wh.run(
        `create or replace temp table ${table} as select * from read_csv(${literal(path)},
           header = true, all_varchar = true, delim = ${literal(delim)}, quote = '"', escape = '"',
           strict_mode = true, null_padding = false, store_rejects = true,
           rejects_table = '_rejects_${n}', rejects_scan = '_reject_scans_${n}')`,
      );
      problems.push(...(await csvRejects(wh, n)));
    } else if (format === "parquet") {
      await wh.run(`create or replace temp table ${table} as select columns(*)::varchar from read_parquet(${literal(path)})`);
    } else {
      await wh.run(
        `create or replace temp table ${table} as select columns(*)::varchar
           from read_json(${literal(path)}, format = 'newline_delimited', records = true)`,
      );
    }
  } catch (e) {
    const layout = format === "csv" ? csvLayout(path) : undefined;
    if (layout?.unclosedQuoteLine) {
      return { table, rows: 0, columns: [], problems: [{ reason: "a quoted field is never closed", line: layout.unclosedQuoteLine }] };
    }
    return { table, rows: 0, columns: [], problems: [{ reason: `cannot be read as ${format}: ${firstLine(e)}` }] };
  }
  const columns = (await wh.all<{ column_name: string }>(`select column_name from (describe ${ident(table)})`)).map((r) => r.column_name);
  const [{ rows }] = (await wh.all<{ rows: string }>(`select count(*) as rows from ${table}`)) as [{ rows: string }];
  return { table, rows: Number(rows), columns, problems };
}

const REJECT_REASONS: Record<string, string> = {
  "MISSING COLUMNS": "the line has fewer fields than the header (truncated line?)",
  "TOO MANY COLUMNS": "the line has more fields than the header (an unquoted delimiter?)",
  "INVALID ENCODING": "not valid UTF-8: save the extract as UTF-8",
  "UNQUOTED VALUE": "a quoted field has text after its closing quote",
  "LINE SIZE OVER MAXIMUM": "the line is longer than 2 MB",
};

async function csvRejects(wh: Warehouse, n: number): Promise<FileProblem[]> {
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
