import type { SourceConfig } from "../../core/sources-config.ts";
import { headBytes } from "../header.ts";
import { csvReads, failed, isWorkbook, type OpenedExtract } from "../read.ts";
import type { EntitySpec } from "../specs.ts";
import { decodeToUtf8 } from "./decode.ts";
import { xlsxToCsv } from "./xlsx.ts";
import { headRecords, sniffDelimiter, type HeadRecord } from "./head-records.ts";
import { acceptedLabels, isHeaderOf, mapHeader } from "./mapping.ts";

/** How far down `header: auto` looks for the header. */
export const HEADER_SEARCH_LINES = 100;

export interface OpenedSource {
  opened: OpenedExtract;
  /** The decoded UTF-8 file, line for line the original: what is read and what lines are counted in. */
  decodedPath: string;
  /** canonical column → the file's label, for messages. */
  labels: Map<string, string>;
}

interface FoundHeader {
  record: HeadRecord;
  /** Its 0-based record number in the file. */
  index: number;
  delimiter: string;
  /** The records above it (title and filter lines). */
  above: HeadRecord[];
}

/** The header record: the one on the configured line, or the first that holds every required column's label. */
export function findHeader(text: string, source: SourceConfig, spec: EntitySpec): FoundHeader | undefined {
  const delimiters = source.delimiter ? [source.delimiter] : [",", ";", "\t", "|"];
  if (typeof source.header === "number") {
    const line = text.split(/\r\n|\n|\r/)[source.header - 1];
    if (line === undefined) return undefined;
    const delimiter = source.delimiter ?? sniffDelimiter(line);
    const records = headRecords(text, delimiter, source.header);
    const index = records.findIndex((r) => r.line === source.header);
    return index === -1 ? undefined : { record: records[index]!, index, delimiter, above: records.slice(0, index) };
  }
  let best: FoundHeader | undefined;
  for (const delimiter of delimiters) {
    const records = headRecords(text, delimiter, HEADER_SEARCH_LINES);
    const index = records.findIndex((r) => isHeaderOf(source, spec, r.fields));
    if (index !== -1 && (!best || records[index]!.line < best.record.line)) best = { record: records[index]!, index, delimiter, above: records.slice(0, index) };
  }
  return best;
}

/**
 * Opens a file a source describes: decodes it to UTF-8 (line for line), finds its header, and
 * maps its columns to the entity's, as a text relation validation reads like any extract's.
 * Rows above the header, blank rows and the source's dropRows are not data rows; data rows keep
 * their record number in the file, so every error names the line a user sees in an editor.
 */
export async function openSourceFile(path: string, decodedPath: string, source: SourceConfig, spec: EntitySpec, n: number): Promise<OpenedSource> {
  const none = (opened: OpenedExtract): OpenedSource => ({ opened, decodedPath, labels: new Map() });
  // A workbook's sheet becomes the CSV (row r on line r); a text file is decoded to UTF-8 line for line.
  const workbook = isWorkbook(path);
  const decoded = workbook ? await xlsxToCsv(path, decodedPath, { sheet: source.sheet, decimal: source.numbers.decimal }) : await decodeToUtf8(path, decodedPath, source.encoding);
  if ("problem" in decoded) return none(failed(decoded.problem));
  if (("lines" in decoded ? decoded.lines : decoded.rows) === 0) return none(failed({ reason: workbook ? "the sheet is empty: no header row" : "the file is empty: no header line" }));
  const text = headBytes(decodedPath).toString("utf8");
  const header = findHeader(text, source, spec);
  if (!header) {
    if (typeof source.header === "number") return none(failed({ reason: `the file has no line ${source.header} to read the header from (header: ${source.header})` }));
    const wanted = spec.columns
      .filter((c) => c.required && !(c.name in source.constants))
      .map((c) => `${c.name} (${acceptedLabels(source, c.name).map((l) => JSON.stringify(l)).join(" or ")})`);
    return none(failed({ reason: `no header found in the first ${HEADER_SEARCH_LINES} lines: no line has a label for each of ${wanted.join(", ")}` }));
  }
  const mapping = mapHeader(source, spec, header.record.fields, header.record.line, workbook);
  const width = header.record.fields.length;
  const readWidth = Math.max(width, ...header.above.map((r) => r.fields.length));
  const reads = csvReads(decodedPath, width, header.delimiter, n, { readWidth, headerRecord: header.index, keep: mapping.keep, fill: mapping.fill });
  // Carrying values down needs the records in order: read through `source` (materialised, numbered), not the parallel typed read.
  const { records, ...ordered } = reads;
  const fast = mapping.fill.length === 0;
  return {
    decodedPath,
    labels: mapping.labels,
    opened: {
      ...ordered,
      ...(fast ? { records } : { rejectsTable: `_rejects_${n}_t` }),
      // The typed read in parallel numbers every record; the rows are those after the header the mapping keeps.
      ...(fast ? { recordFilter: { headerRecord: header.index, keep: mapping.keep } } : {}),
      columns: mapping.columns,
      problems: mapping.problems,
      checks: [...reads.checks, ...mapping.checks],
      position: "record",
      headerLine: header.record.line,
      delimiter: header.delimiter,
    },
  };
}
