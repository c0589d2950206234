import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { Logger } from "../core/log.ts";
import { fsReason, inspectPath } from "./file-type.ts";
import { compareFileNames, compareText } from "./natural-order.ts";
import { formatOf, type FileFormat } from "./read.ts";
import { entityOfFile, type EntitySpec } from "./specs.ts";

export interface ExtractFile {
  path: string;
  name: string;
  format: FileFormat;
  spec: EntitySpec;
}

/**
 * Expands files and folders into extracts. A file named on the command line must be an extract;
 * other files found in a folder (a README, a checksum, a sub-folder) are skipped with a notice.
 * Anything named like an extract that cannot be read as a regular file (a dangling symbolic
 * link, a FIFO, a device) stops the ingest with its reason: skipping it would lose its rows
 * silently, and opening a FIFO would wait for ever. Within an entity, files load in natural
 * name order (digit runs compared as numbers), so invoices-2024-10 restates invoices-2024-9.
 */
export function discoverExtracts(paths: string[], log: Logger): ExtractFile[] {
  const found: ExtractFile[] = [];
  for (const path of paths) {
    const top = inspectPath(path);
    if (top.kind === "refused") throw new Error(top.why);
    if (top.kind === "file") {
      found.push(asExtract(path, (why) => {
        throw new Error(`${path}: not an extract: ${why}`);
      })!);
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
      const extract = asExtract(file, (why) => log.info(`skipping ${file}: ${why}`));
      if (!extract) continue;
      if (kind.kind === "refused") throw new Error(kind.why);
      found.push(extract);
    }
  }
  if (found.length === 0) throw new Error(`no extracts found in ${paths.join(", ")}`);
  // Array.prototype.sort is stable: files of the same name from two folders keep command-line order.
  return found.sort((a, b) => compareText(a.spec.entity, b.spec.entity) || compareFileNames(a.name, b.name));
}

function asExtract(file: string, notExtract: (why: string) => void): ExtractFile | undefined {
  const name = basename(file);
  const format = formatOf(file);
  const spec = entityOfFile(name);
  if (format && spec) return { path: file, name, format, spec };
  notExtract(
    !format
      ? "its extension is not .csv, .tsv, .txt, .parquet, .jsonl or .ndjson"
      : "its name does not start with an entity (customers, invoices, payments, sales_orders, collection_attempts, credit_limits)",
  );
  return undefined;
}
