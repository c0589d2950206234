import { randomUUID } from "node:crypto";
import { extname, resolve } from "node:path";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import { elapsed, rate } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { dropTempTables, ident } from "../core/warehouse.ts";
import { archiveSnapshot } from "./archive.ts";
import { discoverExtracts, type ExtractFile } from "./discover.ts";
import { paymentRowProblems } from "./payment-rows.ts";
import { failed, isWorkbook, openExtract, type OpenedExtract } from "./read.ts";
import { applyFile, type Applied } from "./replace.ts";
import { headBytes } from "./header.ts";
import { IngestRejected, describeProblems } from "./report.ts";
import { ensureRawSchema } from "./schema.ts";
import { createSnapshotDir, snapshotFile, type Snapshot, type SnapshotDir } from "./snapshot.ts";
import { bomEncoding, decodeToUtf8 } from "./source/decode.ts";
import { openSourceFile } from "./source/open.ts";
import { xlsxToCsv } from "./source/xlsx.ts";
import { validateExtract } from "./validate.ts";

export interface IngestOptions {
  config: Config;
  log: Logger;
  archiveDir: string;
  /** The clock, injected so that tests can pin load times. */
  now?: () => Date;
}

export interface FileOutcome {
  name: string;
  entity: string;
  sha256: string;
  rows: number;
  outcome: "loaded" | "skipped_duplicate";
  /** The id of this ingest's load in meta.load_log: what `ingest --undo` takes. */
  loadId: string;
  /** Rows of the file that were new or changed (0 when skipped). */
  rowsWritten: number;
  /** Earlier rows the file replaced. */
  rowsReplaced: number;
}

interface Prepared {
  /** The file as the user named it: messages and the load log use its name and path. */
  file: ExtractFile;
  /** The snapshot that is validated, loaded and archived. */
  snapshot: ExtractFile;
  n: number;
  sha256: string;
  bytes: number;
  rows: number;
  typedTable?: string;
  applied?: Applied;
  startedAt: Date;
}

/**
 * Loads extracts atomically: every file is copied once into a private snapshot (hashed as it is
 * copied), then the snapshot is validated; if any file has a problem, nothing is loaded and
 * IngestRejected names every problem. Otherwise the snapshots are archived and applied in one
 * transaction, replacing earlier rows by replacement key (see replace.ts) and writing only the
 * rows that changed. A file whose content was loaded before is skipped, so that re-sending an
 * old extract can never undo a later restatement.
 */
export async function ingest(wh: Warehouse, paths: string[], options: IngestOptions): Promise<FileOutcome[]> {
  const files = await discoverExtracts(paths, options.log, options.config.sources);
  const snapshots = createSnapshotDir(options.archiveDir);
  const reader = new SnapshotReader(files, snapshots);
  try {
    return await ingestFiles(wh, files, reader, options);
  } finally {
    // A copy still being made (the ingest stopped early) must end before its folder is removed.
    await reader.settle();
    // The per-file temp tables hold every row of a file: free them before the build needs the memory.
    await dropTempViews(wh, "^_typed_[0-9]+$");
    await dropTempTables(wh, "^_(typed|typed_data|text|rejects|reject_scans|replaced)_[0-9]+$");
    snapshots.remove();
  }
}

/**
 * Snapshots the files in order, each while the one before it is being validated: copying and
 * hashing are I/O and the main thread's work, validation is DuckDB's on its own threads, so the
 * copy of the next file overlaps the validation of this one. A snapshot that fails is reported
 * when its file's turn comes, as if it had been made then.
 */
class SnapshotReader {
  private pending: Promise<Snapshot> | undefined;
  private next = 0;

  constructor(
    private readonly files: ExtractFile[],
    private readonly dir: SnapshotDir,
  ) {}

  /** The snapshot of file n (asked for in order, 0, 1, 2, …); starts the copy of file n + 1. */
  async take(n: number): Promise<Snapshot> {
    if (n !== this.next) throw new Error(`snapshots are taken in order: asked for ${n}, next is ${this.next}`);
    const current = this.pending ?? this.start(n);
    this.next = n + 1;
    this.pending = undefined;
    const snapshot = await current;
    if (n + 1 < this.files.length) this.pending = this.start(n + 1);
    return snapshot;
  }

  /** Waits for a copy still under way, whatever its outcome. */
  async settle(): Promise<void> {
    await this.pending?.catch(() => undefined);
  }

  private start(n: number): Promise<Snapshot> {
    const file = this.files[n]!;
    const copy = snapshotFile(file.path, this.dir, n, file.name);
    // Handled when taken; until then a failure must not count as unhandled.
    copy.catch(() => undefined);
    return copy;
  }
}

async function ingestFiles(wh: Warehouse, files: ExtractFile[], snapshots: SnapshotReader, options: IngestOptions): Promise<FileOutcome[]> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  await ensureRawSchema(wh);
  const loadId = randomUUID();
  // Content already loaded as an entity (a journal's file is read as invoices and as payments by two sources).
  const loaded = new Set(
    (await wh.all<{ key: string }>("select distinct entity || ':' || sha256 as key from meta.load_log where outcome = 'loaded'")).map((r) => r.key),
  );

  const prepared: Prepared[] = [];
  const details: string[] = [];
  const rejected: { p: Prepared; summary: string }[] = [];
  for (const [n, file] of files.entries()) {
    const startedAt = now();
    const started = performance.now();
    const snap = await snapshots.take(n);
    const p: Prepared = { file, snapshot: { ...file, path: snap.path }, n, sha256: snap.sha256, bytes: snap.bytes, rows: 0, startedAt };
    if (loaded.has(`${file.spec.entity}:${p.sha256}`) || prepared.some((q) => q.sha256 === p.sha256 && q.file.spec.entity === file.spec.entity && q.typedTable)) {
      log.info(`${file.name}: already loaded (same content, sha256 ${p.sha256.slice(0, 12)}), skipped`);
      prepared.push(p);
      continue;
    }
    log.info(`${file.name}: reading ${(p.bytes / 1e6).toFixed(1)} MB as ${file.spec.entity}${file.source ? ` (source ${file.source.name})` : ""}`);
    // What is read: the snapshot, or for a source's file its decoded copy (archived is the snapshot, as received).
    const { opened, read } = await openFile(wh, p.snapshot, n);
    const validated = opened.problems.length === 0 ? await validateExtract(wh, file.spec, opened, read, config, n) : undefined;
    // The payment check is about the warehouse a file would make, so it runs on files valid
    // row by row: a duplicated line is reported as that, not also as a second date.
    const valid = validated !== undefined && validated.problems.length === 0 && validated.rowProblems.length === 0;
    const paymentProblems = file.spec.entity === "payments" && valid ? await paymentRowProblems(wh, validated.table, options.config.currency) : [];
    const problems = describeProblems(read, [...opened.problems, ...(validated?.problems ?? [])], [...(validated?.rowProblems ?? []), ...paymentProblems])
      // A reader's error may quote the path it read: name the user's file, not the snapshot.
      .map((line) => line.replaceAll(read.path, file.path).replaceAll(p.snapshot.path, file.path));
    p.rows = validated?.rows ?? 0;
    if (problems.length > 0) {
      details.push(...problems);
      rejected.push({ p, summary: problems[0]! });
      continue;
    }
    if (validated!.ignoredColumns.length) log.info(`${file.name}: ignoring columns not in the ${file.spec.entity} contract: ${validated!.ignoredColumns.join(", ")}`);
    if (p.rows === 0) log.warn(`${file.name}: the file has a header but no rows`);
    p.typedTable = validated!.table;
    prepared.push(p);
    log.info(`${file.name}: read and validated ${rate(p.rows, elapsed(started))}`);
  }

  if (rejected.length > 0) {
    await recordRejections(wh, loadId, rejected, now);
    const what = rejected.map((r) => r.p.file.name).join(", ");
    throw new IngestRejected(`ingest rejected: ${what} ${rejected.length === 1 ? "has" : "have"} problems; nothing was loaded`, details);
  }

  // Archived before the rows are committed: a committed row always has its file in the archive.
  for (const p of prepared) if (p.typedTable) archiveSnapshot(p.snapshot.path, options.archiveDir, p.file.spec.entity, p.sha256, extname(p.file.name));

  const toLoad = prepared.filter((p) => p.typedTable);
  log.info(`loading ${toLoad.length} file(s), ${toLoad.reduce((n, p) => n + p.rows, 0).toLocaleString("en-US")} rows, in one transaction (load ${loadId})`);
  const started = performance.now();
  // Rows carry their file position in _source_row, so the load need not keep their order; DuckDB
  // then writes row groups in parallel and leaves nothing for the checkpoint (1.4 s -> 0.7 s a million rows).
  await wh.run("set preserve_insertion_order = false");
  // Raw text columns are stored with dictionary (or no) compression, not FSST: training FSST's
  // symbol tables cost 0.4 s of CPU a million invoices, for files about twice as small (1M
  // invoices: 25 MB instead of 13 MB) that read as fast.
  await wh.run("set disabled_compression_methods = 'fsst'");
  const outcomes = await wh
    .transaction(async () => {
      const seq = await nextLoadSeq(wh);
      const results: FileOutcome[] = [];
      for (const p of prepared) {
        const { file } = p;
        if (p.typedTable) p.applied = await applyFile(wh, file.spec, p.typedTable, p.n, { loadId, fileName: file.name, at: now() });
        const outcome = p.typedTable ? "loaded" : "skipped_duplicate";
        const written = p.applied?.written ?? 0;
        const replaced = p.applied?.replaced ?? 0;
        await wh.run(
          `insert into meta.load_log
             (load_id, file_name, file_path, entity, sha256, bytes, rows, outcome, message, started_at, finished_at, load_seq, rows_written, rows_replaced, source)
           values ($1, $2, $3, $4, $5, $6, $7, $8, null, $9::TIMESTAMPTZ, $10::TIMESTAMPTZ, $11, $12, $13, $14)`,
          [loadId, file.name, resolve(file.path), file.spec.entity, p.sha256, p.bytes, p.rows, outcome, p.startedAt.toISOString(), now().toISOString(), seq, written, replaced, file.source?.name ?? null],
        );
        if (p.typedTable) log.info(`${file.name}: ${written.toLocaleString("en-US")} row(s) new or changed, ${(p.rows - written).toLocaleString("en-US")} unchanged, ${replaced.toLocaleString("en-US")} earlier row(s) replaced`);
        results.push({ name: file.name, entity: file.spec.entity, sha256: p.sha256, rows: p.rows, outcome, loadId, rowsWritten: written, rowsReplaced: replaced });
      }
      return results;
    })
    .finally(async () => {
      await wh.run("reset preserve_insertion_order");
      await wh.run("reset disabled_compression_methods");
    });
  const rows = outcomes.reduce((s, o) => s + (o.outcome === "loaded" ? o.rows : 0), 0);
  const written = outcomes.reduce((s, o) => s + o.rowsWritten, 0);
  // Undo refuses a load that wrote nothing, so offer it only when there is something to take back.
  const undoHint = written > 0 ? `; to take it back: arwatch ingest --undo ${loadId}` : "; no row changed, nothing to undo";
  log.info(`loaded ${outcomes.filter((o) => o.outcome === "loaded").length} file(s), ${rate(rows, elapsed(started))}${undoHint}`);
  return outcomes;
}

/**
 * Opens a snapshot for validation. A file a source describes is decoded beside its snapshot
 * (line for line, so lines keep their numbers) and mapped to the entity's columns; `read` is
 * then that decoded copy, with the file's column labels for messages.
 */
async function openFile(wh: Warehouse, snapshot: ExtractFile, n: number): Promise<{ opened: OpenedExtract; read: ExtractFile }> {
  if (snapshot.source) {
    const mapped = await openSourceFile(snapshot.path, `${snapshot.path}.utf8`, snapshot.source, snapshot.spec, n);
    return { opened: mapped.opened, read: { ...snapshot, path: mapped.decodedPath, labels: mapped.labels } };
  }
  // A canonical extract saved from Excel (its first worksheet) or as Excel's "Unicode text"
  // (UTF-16 with a BOM) is first turned into the UTF-8 CSV it stands for, line for line.
  const converted = `${snapshot.path}.csv`;
  const conversion = isWorkbook(snapshot.name)
    ? xlsxToCsv(snapshot.path, converted)
    : snapshot.format === "csv" && bomEncoding(headBytes(snapshot.path, 4))?.startsWith("utf-16")
      ? decodeToUtf8(snapshot.path, converted, "utf-16le")
      : undefined;
  if (!conversion) return { opened: await openExtract(wh, snapshot.path, snapshot.format, n), read: snapshot };
  const result = await conversion;
  if ("problem" in result) return { opened: failed(result.problem), read: snapshot };
  return { opened: await openExtract(wh, converted, "csv", n), read: { ...snapshot, path: converted } };
}

/** Drops this connection's temp views whose names match a regular expression (a CSV's typed rows are a view that numbers them). */
async function dropTempViews(wh: Warehouse, namePattern: string): Promise<void> {
  const views = await wh.all<{ name: string }>("select view_name as name from duckdb_views() where temporary and regexp_matches(view_name, $1)", [namePattern]);
  for (const { name } of views) await wh.run(`drop view if exists temp.main.${ident(name)}`);
}

/** One number per ingest call, increasing: what "later load" means for undo. */
async function nextLoadSeq(wh: Warehouse): Promise<number> {
  const [row] = await wh.all<{ seq: string }>("select coalesce(max(load_seq), 0) + 1 as seq from meta.load_log");
  return Number(row!.seq);
}

async function recordRejections(wh: Warehouse, loadId: string, rejected: { p: Prepared; summary: string }[], now: () => Date) {
  await wh.transaction(async () => {
    const seq = await nextLoadSeq(wh);
    for (const { p, summary } of rejected) {
      await wh.run(
        `insert into meta.load_log
           (load_id, file_name, file_path, entity, sha256, bytes, rows, outcome, message, started_at, finished_at, load_seq, source)
         values ($1, $2, $3, $4, $5, $6, $7, 'rejected', $8, $9::TIMESTAMPTZ, $10::TIMESTAMPTZ, $11, $12)`,
        [loadId, p.file.name, resolve(p.file.path), p.file.spec.entity, p.sha256, p.bytes, p.rows, summary, p.startedAt.toISOString(), now().toISOString(), seq, p.file.source?.name ?? null],
      );
    }
  });
}
