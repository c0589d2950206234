import { closeSync, openSync, readSync } from "node:fs";
import { headRecords, sniffDelimiter } from "./source/head-records.ts";

/** How much of a file is read to find its encoding, delimiter and header. */
const HEAD_BYTES = 1 << 20;

/** The first bytes of a file, for what the start of a file tells (encoding, header). */
export function headBytes(path: string, size = HEAD_BYTES): Buffer {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(size);
    const n = readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * "UTF-16" when the file starts with a UTF-16 byte-order mark or looks like UTF-16 without one
 * (a NUL in every other byte of its start), which DuckDB can only report as unsniffable.
 */
export function utf16Problem(head: Buffer): string | undefined {
  const bom = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const sample = head.subarray(0, 200);
  let nulsAtOdd = 0;
  let nulsAtEven = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 ? nulsAtOdd++ : nulsAtEven++;
  const looksWide = sample.length >= 8 && Math.max(nulsAtOdd, nulsAtEven) >= sample.length / 2 - 2;
  return bom || looksWide ? "this file is UTF-16: save it as UTF-8 (in Excel: CSV UTF-8)" : undefined;
}

export interface CsvHeader {
  delimiter: string;
  /** The header's fields as written (unquoted, untrimmed). */
  names: string[];
  /** The line the header is on (blank lines above it are skipped, as DuckDB does). */
  line: number;
}

/** An ERP header such as "Customer ID" names the column customer_id. */
export function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/**
 * Reads a CSV file's header record the way DuckDB reads records (quotes, "" escapes, CRLF, CR),
 * so that arwatch, not DuckDB's renaming (amount, amount_1), decides what the header names. The
 * delimiter is the one of comma, semicolon and tab that splits the header line most often.
 */
export function readCsvHeader(head: Buffer): CsvHeader {
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  const firstLine = text.replace(/^[\r\n]+/, "").split(/\r\n|\n|\r/)[0] ?? "";
  const delimiter = sniffDelimiter(firstLine, [",", ";", "\t"]);
  const [header] = headRecords(text, delimiter, 1);
  return { delimiter, names: header?.fields ?? [""], line: header?.line ?? 1 };
}

/**
 * The line, below the first, of a CSV file's start that holds every required column: an ERP's
 * title or comment lines above the real header. Looked for only when the first line lacks a
 * required column, in the first 20 lines.
 */
export function headerBelow(head: Buffer, delimiter: string, required: string[]): number | undefined {
  const lines = head.toString("utf8").replace(/^\uFEFF/, "").split(/\r\n|\n|\r/).slice(0, 20);
  for (let i = 1; i < lines.length; i++) {
    const names = new Set(lines[i]!.split(delimiter).map((f) => normaliseHeader(f.replace(/^"|"$/g, ""))));
    if (required.every((r) => names.has(r))) return i + 1;
  }
  return undefined;
}
