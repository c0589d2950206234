import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { Logger } from "../core/log.ts";
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
 * other files found in a folder (a README, a checksum) are skipped with a notice. Within an
 * entity, files load in name order, so invoices-2024-06 restates invoices-2024-05.
 */
export function discoverExtracts(paths: string[], log: Logger): ExtractFile[] {
  const found: ExtractFile[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new Error(`${path}: no such file or folder`);
    }
    const files = stat.isDirectory()
      ? readdirSync(path).filter((f) => !f.startsWith(".")).map((f) => join(path, f)).filter((f) => statSync(f).isFile())
      : [path];
    for (const file of files) {
      const name = basename(file);
      const format = formatOf(file);
      const spec = entityOfFile(name);
      if (format && spec) {
        found.push({ path: file, name, format, spec });
        continue;
      }
      const why = !format
        ? "its extension is not .csv, .tsv, .txt, .parquet, .jsonl or .ndjson"
        : "its name does not start with an entity (customers, invoices, payments, sales_orders, collection_attempts, credit_limits)";
      if (!stat.isDirectory()) throw new Error(`${file}: not an extract: ${why}`);
      log.info(`skipping ${file}: ${why}`);
    }
  }
  if (found.length === 0) throw new Error(`no extracts found in ${paths.join(", ")}`);
  return found.sort((a, b) => a.spec.entity.localeCompare(b.spec.entity) || a.name.localeCompare(b.name));
}
