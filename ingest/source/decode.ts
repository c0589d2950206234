import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { headBytes, utf16Problem } from "../header.ts";
import type { FileProblem } from "../read.ts";

/** The encoding a byte-order mark announces; a BOM always wins over the configured encoding. */
export function bomEncoding(head: Buffer): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  return undefined;
}

/**
 * No-break spaces (U+00A0, the narrow U+202F, the figure space U+2007) become plain spaces: ERPs
 * write them in amounts ("1 234,50") and names, where they must compare equal to a space.
 */
const NO_BREAK_SPACES = /[\u00a0\u202f\u2007]/g;

/**
 * Text as a source's file is read, decoded or from a workbook's cells: NFC (Windows-1258 stores
 * tone marks as combining characters), plain spaces, so that labels and value maps compare alike.
 */
export function clean(text: string): string {
  return text.normalize("NFC").replace(NO_BREAK_SPACES, " ");
}

/**
 * Every line ends in LF: DuckDB's CSV reader refuses a file whose lines end differently (Excel's
 * CRLF title lines above LF rows), and a line is still one line, so line numbers do not move. A
 * line break inside a quoted value becomes LF too.
 */
function endLines(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

export type Decoded = { encoding: string; lines: number } | { problem: FileProblem };

const SUGGESTION = "set the source's encoding (windows-874 or tis-620 for Thai systems, windows-1258 for Vietnamese ones, utf-16le for Excel's Unicode text)";

/**
 * Decodes a file as a stream into a UTF-8 file, line for line: the same lines in the same order,
 * each ending in LF, so that a line number in the decoded file is the line in the original. Never holds the file in
 * memory: a chunk is written up to its last line break, and only the unfinished line is kept (NFC
 * must see a character with its combining marks, which never span a line break).
 *
 * UTF-8 is read strictly: a byte sequence that is not UTF-8 is an error naming its line, never
 * replaced by U+FFFD, since a guessed character in a customer id would load a different customer.
 */
export async function decodeToUtf8(path: string, target: string, configured: string): Promise<Decoded> {
  const head = headBytes(path, 4096);
  const bom = bomEncoding(head);
  const encoding = bom ?? new TextDecoder(configured).encoding;
  if (!bom && encoding === "utf-8" && utf16Problem(head)) {
    return { problem: { reason: "this file looks like UTF-16 without a byte-order mark: set the source's encoding to utf-16le (or utf-16be)" } };
  }
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  const out = createWriteStream(target, { flags: "wx" });
  let pending = "";
  let lines = 0;
  const write = async (text: string) => {
    if (text === "") return;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
    if (!out.write(text)) await once(out, "drain");
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      let text: string;
      try {
        text = pending + decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        return { problem: undecodable(pending, chunk as Buffer, encoding, lines) };
      }
      // A CR at the end may be the first half of a CRLF: it waits for the next chunk.
      const whole = text.endsWith("\r") ? text.slice(0, -1) : text;
      const normalised = endLines(whole);
      const cut = normalised.lastIndexOf("\n") + 1;
      await write(clean(normalised.slice(0, cut)));
      pending = normalised.slice(cut) + (whole === text ? "" : "\r");
    }
    try {
      pending += decoder.decode();
    } catch {
      return { problem: { reason: `the file ends in the middle of a ${encoding} character (a truncated file?)`, line: lines + 1 } };
    }
    await write(clean(endLines(pending)));
    return { encoding, lines: lines + (pending === "" ? 0 : 1) };
  } finally {
    out.end();
    await finished(out).catch(() => undefined);
  }
}

/** The line a chunk fails to decode on, shown as decoded with its bad bytes as U+FFFD. */
function undecodable(pending: string, chunk: Buffer, encoding: string, linesBefore: number): FileProblem {
  // A UTF-8 character begun in the chunk before continues here: skip its tail, which is no error.
  let skip = 0;
  while (encoding === "utf-8" && skip < 3 && ((chunk[skip] ?? 0) & 0xc0) === 0x80) skip++;
  const lenient = pending + new TextDecoder(encoding).decode(chunk.subarray(skip));
  const at = lenient.indexOf("\ufffd");
  const upTo = at === -1 ? lenient : lenient.slice(0, at);
  const line = linesBefore + upTo.split("\n").length;
  const start = upTo.lastIndexOf("\n") + 1;
  const end = lenient.indexOf("\n", start);
  const value = lenient.slice(start, end === -1 ? undefined : end).replace(/\r$/, "");
  const reason =
    encoding === "utf-8"
      ? `not valid UTF-8 (shown with the bytes that are not as \ufffd): ${SUGGESTION}`
      : `bytes that are not ${encoding} (shown as \ufffd): check the source's encoding`;
  return { reason, line, value };
}
