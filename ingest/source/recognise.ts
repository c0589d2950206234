import type { SourceConfig } from "../../core/sources-config.ts";
import { headBytes } from "../header.ts";
import { specFor } from "../specs.ts";
import { bomEncoding } from "./decode.ts";
import { headerCandidates } from "./match.ts";
import { HEADER_SEARCH_LINES, findHeader } from "./open.ts";
import { xlsxHeadCsv } from "./xlsx.ts";

/**
 * The source that recognises a file by its header (a preset, or a source without globs): the
 * first whose header — a line of the file's start holding a label of every required column and
 * every `recognise` label — is in the file. Only the file's first megabyte is read, decoded
 * leniently: this only picks the source; the snapshot is then read strictly through it.
 */
export function recogniseByHeader(path: string, name: string, sources: readonly SourceConfig[]): SourceConfig | undefined {
  const candidates = headerCandidates(name, sources);
  if (candidates.length === 0) return undefined;
  let head: Buffer;
  try {
    head = headBytes(path);
  } catch {
    return undefined; // unreadable: it is named as what it is not, like any file no source knows
  }
  // Decoded once per encoding, not once per candidate (a preset brings several sources).
  const texts = new Map<string, string>();
  const textIn = (encoding: string) => texts.get(encoding) ?? texts.set(encoding, new TextDecoder(encoding).decode(head)).get(encoding)!;
  return candidates.find((source) => findHeader(textIn(bomEncoding(head) ?? source.encoding), source, specFor(source.entity)) !== undefined);
}

/**
 * recogniseByHeader for an Excel workbook: each candidate's header is looked for in the CSV text
 * of the first rows of the sheet it reads (its `sheet`, default the first worksheet), as the
 * load converts that sheet, so a header found here is the one the load finds. Each distinct
 * (sheet, decimal separator) is read once. A workbook that cannot be read (no zip, damaged, no
 * such sheet) is recognised by no source.
 */
export async function recogniseWorkbookByHeader(path: string, name: string, sources: readonly SourceConfig[]): Promise<SourceConfig | undefined> {
  const candidates = headerCandidates(name, sources);
  // As many rows as findHeader looks at with `header: auto` (each sheet row is one CSV record);
  // a source with a numbered header line needs the sheet down to that line.
  const rows = Math.max(HEADER_SEARCH_LINES, ...candidates.map((s) => (typeof s.header === "number" ? s.header : 0)));
  const heads = new Map<string, Promise<string | undefined>>();
  const headOf = (source: SourceConfig) => {
    const key = JSON.stringify([source.sheet ?? null, source.numbers.decimal]);
    let head = heads.get(key);
    if (!head) {
      head = xlsxHeadCsv(path, { sheet: source.sheet, decimal: source.numbers.decimal, rows }).then(
        (read) => ("problem" in read ? undefined : read.text),
        () => undefined, // unreadable (a file error): named as what it is not, like any file no source knows
      );
      heads.set(key, head);
    }
    return head;
  };
  for (const source of candidates) {
    const text = await headOf(source);
    if (text !== undefined && findHeader(text, source, specFor(source.entity)) !== undefined) return source;
  }
  return undefined;
}
