import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Logger } from "../core/log.ts";
import type { SourceConfig } from "../core/sources-config.ts";
import { fsReason, inspectPath } from "./file-type.ts";
import { compareFileNames, compareText } from "./natural-order.ts";
import { formatOf, isWorkbook, type FileFormat } from "./read.ts";
import { sourceOfFile } from "./source/match.ts";
import { recogniseByHeader, recogniseWorkbookByHeader } from "./source/recognise.ts";
import { SPECS, entityOfFile, specFor, type EntitySpec } from "./specs.ts";

export interface ExtractFile {
  path: string;
  name: string;
  format: FileFormat;
  spec: EntitySpec;
  /** The source mapping that reads the file (config `sources`), when one names it. */
  source?: SourceConfig;
  /** canonical column → the file's label, set once a source's file is opened: messages use it. */
  labels?: ReadonlyMap<string, string>;
}

/**
 * Expands files and folders into extracts. A file named on the command line must be an extract;
 * other files found in a folder (a README, a checksum, a sub-folder) are skipped with a notice.
 * Anything named like an extract that cannot be read as a regular file (a dangling symbolic
 * link, a FIFO, a device) stops the ingest with its reason: skipping it would lose its rows
 * silently, and opening a FIFO would wait for ever. Within an entity, files load in natural
 * name order (digit runs compared as numbers), so invoices-2024-10 restates invoices-2024-9.
 */
export async function discoverExtracts(paths: string[], log: Logger, sources: readonly SourceConfig[] = []): Promise<ExtractFile[]> {
  const found: ExtractFile[] = [];
  for (const path of paths) {
    const top = inspectPath(path);
    if (top.kind === "refused") throw new Error(top.why);
    if (top.kind === "file") {
      found.push(
        ...withCompanions(
          (await asExtract(path, sources, (why) => {
            throw new Error(`${path}: not an extract: ${why}`);
          }))!,
          sources,
        ),
      );
      continue;
    }
    let entries: string[];
    try {
      entries = readdirSync(path).filter((f) => !f.startsWith("."));
    } catch (e) {
      throw new Error(`${path}: ${fsReason(e, "no such folder")}`);
    }
    for (const entry of entries.sort(compareFileNames)) {
      const file = join(path, entry);
      const kind = inspectPath(file);
      if (kind.kind === "folder") {
        log.info(`skipping ${file}: a folder (folders are not searched recursively)`);
        continue;
      }
      const extract = await asExtract(file, sources, (why) => log.info(`skipping ${file}: ${why}`));
      if (!extract) continue;
      if (kind.kind === "refused") throw new Error(kind.why);
      found.push(...withCompanions(extract, sources));
    }
  }
  if (found.length === 0) throw new Error(`no extracts found in ${paths.join(", ")}`);
  // Array.prototype.sort is stable: files of the same name from two folders keep command-line order.
  return found.sort((a, b) => compareText(a.spec.entity, b.spec.entity) || compareFileNames(a.name, b.name));
}

/** The file as its source reads it, and as each of the source's companions reads it (as their own entities). */
function withCompanions(file: ExtractFile, sources: readonly SourceConfig[]): ExtractFile[] {
  const companions = (file.source?.companions ?? []).map((name) => sources.find((s) => s.name === name)!);
  return [file, ...companions.map((source) => ({ ...file, spec: specFor(source.entity), source }))];
}

/** Extensions a source mapping reads (as CSV text, whatever the delimiter, or an Excel workbook's sheet). */
const SOURCE_EXTENSIONS = /\.(csv|tsv|txt|xlsx)$/i;

/** Async only for a workbook's header, which is read from inside its zip; files are still taken one at a time, in order. */
async function asExtract(file: string, sources: readonly SourceConfig[], notExtract: (why: string) => void): Promise<ExtractFile | undefined> {
  const name = basename(file);
  const source = sourceOfFile(name, sources);
  if (source) {
    if (!SOURCE_EXTENSIONS.test(name)) throw new Error(`${file}: source ${source.name} names this file, but a source reads only .csv, .tsv, .txt and .xlsx files`);
    return { path: file, name, format: "csv", spec: specFor(source.entity), source };
  }
  const format = formatOf(file);
  const spec = entityOfFile(name);
  if (format && spec) return { path: file, name, format, spec };
  // An ERP's file as it comes ("Sales Invoice.csv", "Accounts Receivable.xlsx"): a preset may know it by its header.
  const recognised = SOURCE_EXTENSIONS.test(name) && inspectPath(file).kind === "file" ? await recogniseFile(file, name, sources) : undefined;
  if (recognised) return { path: file, name, format: "csv", spec: specFor(recognised.entity), source: recognised };
  notExtract(
    !format
      ? "its extension is not .csv, .tsv, .txt, .xlsx, .parquet, .jsonl or .ndjson"
      : `its name does not start with an entity (${SPECS.map((s) => s.entity).join(", ")})${sources.length ? " and no source in config sources names it or recognises its header" : ""}`,
  );
  return undefined;
}

/** The source that recognises the file by its header: a workbook's in its sheet's first rows, a text file's in its first megabyte. */
async function recogniseFile(file: string, name: string, sources: readonly SourceConfig[]): Promise<SourceConfig | undefined> {
  return isWorkbook(name) ? recogniseWorkbookByHeader(file, name, sources) : recogniseByHeader(file, name, sources);
}
