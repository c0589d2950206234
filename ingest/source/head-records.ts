/** A record of a CSV file's start: the line it begins on and its fields as written (unquoted). */
export interface HeadRecord {
  line: number;
  fields: string[];
}

/**
 * The first `max` records of a CSV text, read the way DuckDB reads records (quotes, "" escapes,
 * CRLF and CR, blank lines skipped), with the line each begins on. Only the start of a file is
 * read this way, to find its header; the rows are DuckDB's to read.
 */
export function headRecords(text: string, delimiter: string, max: number): HeadRecord[] {
  const records: HeadRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length && records.length < max) {
    const ch = text[i]!;
    if (ch === "\n" || ch === "\r") {
      if (ch === "\n" || text[i + 1] !== "\n") line++;
      i++;
      continue; // a blank line is no record
    }
    const start = line;
    const fields: string[] = [];
    let field = "";
    let inQuotes = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (inQuotes) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') inQuotes = false;
        else {
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          field += c;
        }
      } else if (c === '"') inQuotes = true;
      else if (c === delimiter) {
        fields.push(field);
        field = "";
      } else if (c === "\n" || c === "\r") break;
      else field += c;
    }
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}

/** The delimiter of a line: whichever of the candidates splits it most often outside quotes (comma when none does). */
export function sniffDelimiter(line: string, candidates = [",", ";", "\t", "|"]): string {
  const outsideQuotes = line.replace(/"[^"]*"/g, "");
  const counts = candidates.map((d) => [d, outsideQuotes.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ",";
}

/** A label as compared with a source's labels: NFC, trimmed, spaces collapsed, case-folded. */
export function labelKey(label: string): string {
  return label.normalize("NFC").replace(/[\s\u00a0]+/g, " ").trim().toLowerCase();
}
