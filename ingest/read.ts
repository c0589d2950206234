import { statSync } from "node:fs";
import { extname } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import { firstLine, ident, literal } from "../core/warehouse.ts";
import { headBytes, readCsvHeader, utf16Problem } from "./header.ts";
import { csvLayout } from "./lines.ts";
import { openJsonLines } from "./read-json.ts";
import { openParquet } from "./read-parquet.ts";

export type FileFormat = "csv" | "parquet" | "jsonl";

const FORMATS: Record<string, FileFormat> = {
  ".csv": "csv",
  ".tsv": "csv",
  ".txt": "csv",
  ".parquet": "parquet",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  // A workbook is read as the CSV its sheet is turned into first (ingest.ts, source/xlsx.ts).
  ".xlsx": "csv",
};

/** An Excel workbook: converted to CSV before it is read, its problems named by sheet row. */
export function isWorkbook(path: string): boolean {
  return extname(path).toLowerCase() === ".xlsx";
}

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

/** A column of the file: its name as written and the column of `source` holding its values. */
export interface SourceColumn {
  name: string;
  sql: string;
  /** The DuckDB type of `sql`: VARCHAR for CSV and JSON Lines, the file's own type for Parquet. */
  type: string;
  /** `sql` is an ISO date (YYYY-MM-DD) made from the file's own format by a source mapping. */
  isoDate?: boolean;
  /** SQL for the value as the file wrote it, when `sql` is mapped from it: what errors quote. */
  shown?: string;
}

/**
 * A check the reader knows and the specs do not (a line with too many fields, a line that is not
 * a JSON object). A row failing one is reported for this alone: its values mean nothing.
 */
export interface ReaderCheck {
  reason: string;
  /** SQL over the source's columns, true for a bad row. */
  condition: string;
  /** SQL over the source's columns: what to show as the row's value. */
  value: string;
  /** The column as written, when the problem is in one. */
  column?: string;
}

/**
 * An extract opened for reading: `source` is a SQL relation with `_row` (see `position`) and one
 * column per header column. Validation reads it once, typing as it goes; only what the reader
 * must hold to number rows (a CSV's records, a JSON Lines file's lines) is a table.
 */
export interface OpenedExtract {
  source: string;
  columns: SourceColumn[];
  /** Problems that stop the file being read at all (empty, unparseable, UTF-16). */
  problems: FileProblem[];
  checks: ReaderCheck[];
  /** What `_row` counts: CSV records (mapped to lines through the file's layout), lines, or Parquet rows. */
  position: "record" | "line" | "row";
  /** The line of a CSV header, which problems with it are reported on; other formats have none. */
  headerLine?: number;
  /** Temp tables the reader made beyond the ingest's own (_typed_, _text_, _rejects_): validation drops them when done. */
  scratch?: string[];
  /** CSV: the delimiter the header was split on. */
  delimiter?: string;
  /** CSV: the table DuckDB puts malformed lines in. */
  rejectsTable?: string;
  /**
   * CSV: the same relation read by one thread, for a file DuckDB cannot read in parallel (a quoted
   * line break with short lines padded), with its own rejects table.
   */
  sequential?: { source: string; rejectsTable: string };
  /**
   * CSV: the file's records in file order, record 0 its header, read in parallel with no `_row`.
   * Validation types and checks them in one pass straight into a temp table, whose rowid then
   * numbers them (insertion order is kept), so the text is never held as a table of its own
   * (falling back to `sequential` if the read fails as that one may).
   */
  records?: string;
  /**
   * With `records`: which of the file's records are rows, when not all after the first are (a
   * source's file: its header record, and SQL over c0, c1, … false for a title or total line).
   */
  recordFilter?: { headerRecord: number; keep: string };
  /**
   * CSV: the statement that reads the file into the temp table `source` numbers by rowid; run
   * only when validation needs the text of bad rows to quote it.
   */
  materialise?: string;
}

/** Never found in a real field: a CSV read keeps an empty field '' and a missing one NULL. */
const NEVER = "\u0001\u0002\u0003";

/** An extract that cannot be read at all: its one problem, and nothing to read. */
export function failed(problem: FileProblem): OpenedExtract {
  return { source: "", columns: [], problems: [problem], checks: [], position: "record" };
}

/**
 * Opens a file as a text relation and reads its header; the rows are read by validation.
 * The CSV reader is told the header's width plus one column, pads short lines with NULL and keeps
 * empty fields as '': DuckDB silently drops an empty last field of a line one field too long
 * (`1,234.50` unquoted with an empty applies_to loaded amount 1), so arwatch counts fields itself.
 */
export async function openExtract(wh: Warehouse, path: string, format: FileFormat, n: number): Promise<OpenedExtract> {
  if (statSync(path).size === 0) return failed({ reason: format === "parquet" ? "the file is empty (0 bytes)" : "the file is empty: no header line" });
  if (format === "parquet") return openParquet(wh, path);
  const head = headBytes(path);
  const utf16 = utf16Problem(head);
  if (utf16) return failed({ reason: utf16 });
  if (format === "jsonl") return openJsonLines(wh, path, n);

  const header = readCsvHeader(head);
  const reads = csvReads(path, header.names.length, header.delimiter, n);
  return {
    ...reads,
    columns: header.names.map((name, i) => ({ name, sql: `c${i}`, type: "VARCHAR" })),
    problems: [],
    position: "record",
    headerLine: header.line,
    delimiter: header.delimiter,
  };
}

/** Which records of a CSV file are data rows (csvReads). */
export interface DataRows {
  /** Fields to read, when lines above the header are wider than it. */
  readWidth?: number;
  /** The header's record number (0-based); records up to it are not data. */
  headerRecord?: number;
  /** SQL over c0, c1, …: false for a record that is no data row (a source's total row). */
  keep?: string;
  /**
   * Columns (by number) carried down: a record whose first such column is empty continues the
   * record above and takes its values of them (a document's fields written on its first row
   * only). Read through `source` (ordered by record), not `records`.
   */
  fill?: number[];
}

/** The ways of reading a CSV file's records as text, for a header `width` fields wide (read.ts's OpenedExtract). */
export interface CsvReads {
  source: string;
  checks: ReaderCheck[];
  rejectsTable: string;
  sequential: { source: string; rejectsTable: string };
  records: string;
  materialise: string;
  scratch: string[];
}

/**
 * The reads of a CSV file as columns c0, c1, … (and _extra, the field past the header's width).
 * `rows.readWidth`, when wider than the header, lets lines above the header (an ERP's title and
 * filter lines) have more fields without being refused; `records` (the parallel typed read,
 * numbered by rowid) reads every record, so a caller that skips records uses `source`.
 */
export function csvReads(path: string, width: number, delimiter: string, n: number, rows: DataRows = {}): CsvReads {
  const { readWidth = width, headerRecord = 0, keep, fill = [] } = rows;
  const isData = `_row > ${headerRecord}${keep ? ` and ${keep}` : ""}`;
  // Records after the header; a record whose first filled column is empty continues the one
  // above it and takes its filled columns (a record with its own key keeps its own, empty or not).
  const filled = (numbered: string) => {
    const after = `(select * from ${numbered} where _row > ${headerRecord})`;
    if (fill.length === 0) return after;
    const key = `nullif(trim(c${fill[0]}), '')`;
    const grouped = `(select *, count(${key}) over (order by _row rows between unbounded preceding and current row) as _group from ${after})`;
    const carried = fill.map((i) => `case when ${key} is null then first_value(c${i}) over (partition by _group order by _row) else c${i} end as c${i}`);
    return `(select * exclude (_group) replace (${carried.join(", ")}) from ${grouped})`;
  };
  const names = Array.from({ length: Math.max(width, readWidth) }, (_, i) => `c${i}`);
  const columns = `{${[...names, "_extra"].map((c) => `${literal(c)}: 'VARCHAR'`).join(", ")}}`;
  const scan = (parallel: boolean, rejectsTable: string, scansTable: string) =>
    `read_csv(${literal(path)}, auto_detect = false, parallel = ${parallel}, header = false, skip = 0,
          columns = ${columns}, delim = ${literal(delimiter)}, quote = '"', escape = '"', strict_mode = true,
          null_padding = true, nullstr = ${literal(NEVER)}, store_rejects = true,
          rejects_table = ${literal(rejectsTable)}, rejects_scan = ${literal(scansTable)})`;
  // Record 0 is the header; data rows count from 1 after it, in file order. Numbering rows with
  // row_number() over () while reading forces DuckDB to read and type the whole file on one thread,
  // so the file is read in parallel into a temp table (insertion order is kept: ingest turns
  // preserve_insertion_order off only while it loads), and its rowid numbers the records. That
  // table is the typed one (`records`); the text of the rows is read into one of its own
  // (`materialise`, `source`) only to quote bad values.
  const rejectsTable = `_rejects_${n}`;
  const sourceTable = `_src_${n}`;
  const records = scan(true, rejectsTable, `_reject_scans_${n}`);
  const materialise = `create or replace temp table ${sourceTable} as select * from ${scan(true, `_rejects_${n}_t`, `_reject_scans_${n}_t`)}`;
  const source = `(select * from ${filled(`(select rowid as _row, * from temp.main.${sourceTable})`)} where ${isData})`;
  // The one-thread read a quoted line break needs keeps the numbering in the scan itself.
  const sequential = {
    source: `(select * from ${filled(`(select row_number() over () - 1 as _row, * from ${scan(false, `_rejects_${n}_s`, `_reject_scans_${n}_s`)})`)} where ${isData})`,
    rejectsTable: `_rejects_${n}_s`,
  };
  const inHeader = names.slice(0, width);
  // Fields past the header's width (the read may be wider) count as extra fields.
  const beyond = [...names.slice(width), "_extra"];
  const record = `concat_ws(${literal(delimiter)}, ${[...names, "_extra"].join(", ")})`;
  const checks: ReaderCheck[] = [
    {
      reason: `the line has more fields than the header's ${width} (a delimiter in an unquoted value, such as 1,234.50? quote it)`,
      condition: beyond.map((c) => `${c} is not null`).join(" or "),
      value: record,
    },
    { reason: `the line has fewer fields than the header's ${width} (a truncated line?)`, condition: `${inHeader.at(-1)} is null`, value: record },
  ];
  return {
    source,
    checks,
    rejectsTable,
    sequential,
    records,
    materialise,
    scratch: [sourceTable, `_rejects_${n}_t`, `_reject_scans_${n}_t`, `_rejects_${n}_s`, `_reject_scans_${n}_s`],
  };
}

/** Why a file could not be read; for CSV, an unclosed quote is found and named by its line. */
export function unreadable(path: string, format: FileFormat, e: unknown): FileProblem {
  const unclosed = format === "csv" ? csvLayout(path).unclosedQuoteLine : undefined;
  if (unclosed) return { reason: "a quoted field is never closed", line: unclosed };
  return { reason: `cannot be read as ${format === "jsonl" ? "JSON Lines" : format.toUpperCase()}: ${firstLine(e)}` };
}

const REJECT_REASONS: Record<string, string> = {
  "MISSING COLUMNS": "the line has fewer fields than the header (a truncated line?)",
  "TOO MANY COLUMNS": "the line has more fields than the header (a delimiter in an unquoted value, such as 1,234.50? quote it)",
  "INVALID ENCODING": "not valid UTF-8: save the extract as UTF-8",
  "UNQUOTED VALUE": "a quoted field has text after its closing quote",
  "LINE SIZE OVER MAXIMUM": "the line is longer than 2 MB",
};

/**
 * The malformed lines a CSV scan set aside, one entry per kind with its first line and a count
 * of lines (DuckDB may record one line several times, once per column it could not fill).
 */
export async function csvRejects(wh: Warehouse, table: string, columns: SourceColumn[]): Promise<FileProblem[]> {
  const rows = await wh.all<{ error_type: string; line: string; column_name: string | null; csv_line: string | null; error_message: string; count: string }>(
    `select error_type, min(line) as line, arg_min(column_name, line) as column_name,
            arg_min(csv_line, line) as csv_line, arg_min(error_message, line) as error_message, count(distinct line) as count
       from ${ident(table)} group by all order by line`,
  );
  const written = new Map(columns.map((c) => [c.sql, c.name]));
  return rows.map((r) => ({
    reason: REJECT_REASONS[r.error_type] ?? r.error_message,
    line: Number(r.line),
    column: r.error_type === "TOO MANY COLUMNS" || r.column_name === "_extra" ? undefined : (written.get(r.column_name ?? "") ?? undefined),
    // DuckDB shows undecodable bytes as '?', which would misquote the line: name line and column only.
    value: r.error_type === "INVALID ENCODING" ? undefined : (r.csv_line?.replace(/^\n/, "") ?? undefined),
    count: Number(r.count),
  }));
}
