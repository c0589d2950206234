import { readFileSync } from "node:fs";

/**
 * Where each CSV record starts, as 1-based line numbers, counting the way DuckDB reads the file:
 * quoted fields may hold newlines, blank lines are skipped, CRLF counts once. Used only on the
 * error path, to turn a rejected row's position into the line a user can open in an editor.
 */
export interface CsvLayout {
  /** recordStartLines[0] is the header; recordStartLines[k] is data row k (1-based). */
  recordStartLines: number[];
  /** Set when a quote opened on this line is never closed. */
  unclosedQuoteLine?: number;
}

export function csvLayout(path: string, quote = 0x22): CsvLayout {
  const bytes = readFileSync(path);
  const starts: number[] = [];
  let line = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let atRecordStart = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (atRecordStart) {
      if (b === 0x0a || b === 0x0d) {
        if (b === 0x0a || bytes[i + 1] !== 0x0a) line++;
        continue; // a blank line is no record
      }
      starts.push(line);
      atRecordStart = false;
    }
    if (b === quote) {
      if (!inQuotes) quoteLine = line;
      inQuotes = !inQuotes; // an escaped "" toggles twice
    } else if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) {
      line++;
      if (!inQuotes) atRecordStart = true;
    }
  }
  return inQuotes ? { recordStartLines: starts, unclosedQuoteLine: quoteLine } : { recordStartLines: starts };
}
