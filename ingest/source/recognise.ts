import type { SourceConfig } from "../../core/sources-config.ts";
import { headBytes } from "../header.ts";
import { specFor } from "../specs.ts";
import { bomEncoding } from "./decode.ts";
import { headerCandidates } from "./match.ts";
import { findHeader } from "./open.ts";

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
