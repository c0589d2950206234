import { appendFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger, type Logger } from "../../core/log.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import { ingest } from "../../ingest/ingest.ts";
import { IngestRejected } from "../../ingest/report.ts";
import { INVOICE_HEADER, openIngestWorkspace, type IngestWorkspace } from "../helpers/ingest-workspace.ts";

let ws: IngestWorkspace, dir: string, wh: Warehouse, write: IngestWorkspace["write"];

function archive(): string {
  return ws.archiveDir;
}

async function load(paths: string[], log: Logger = memoryLogger()) {
  return ingest(wh, paths, ws.options(log));
}

async function failure(paths: string[]): Promise<Error> {
  try {
    await load(paths);
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the ingest to fail");
}

function snapshotFolders(): string[] {
  return readdirSync(archive()).filter((f) => f.startsWith(".snapshot-"));
}

function mkfifo(path: string): void {
  const made = spawnSync("mkfifo", [path]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
}

beforeEach(async () => {
  ws = await openIngestWorkspace();
  ({ dir, wh, write } = ws);
});
afterEach(() => wh.close());

describe("ingest reads one snapshot of each file", () => {
  it("loads and archives the content it hashed, even when the file grows while it is ingested", async () => {
    const body = `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100,USD,\n`;
    const path = write("invoices.csv", body);
    // The ERP appends a line after arwatch has taken its copy and before DuckDB reads: the moment
    // the log says it starts reading. Reading the original then would load a row the hash never saw.
    const log = memoryLogger();
    const appending: Logger = {
      info: (m) => {
        if (m.startsWith("invoices.csv: reading")) appendFileSync(path, "I2,C1,invoice,2024-01-02,,50,USD,\n");
        log.info(m);
      },
      warn: log.warn,
    };
    const [outcome] = await load([path], appending);
    const sha = createHash("sha256").update(body).digest("hex");
    expect(outcome).toMatchObject({ sha256: sha, rows: 1, outcome: "loaded" });
    expect(readFileSync(join(archive(), "invoices", `${sha}.csv`), "utf8")).toBe(body);
    expect(await wh.all("select document_id from raw.invoices")).toEqual([{ document_id: "I1" }]);
    expect(await wh.all("select bytes from meta.load_log")).toEqual([{ bytes: String(Buffer.byteLength(body)) }]);
    // The grown file is new content: it loads next time, with its new row.
    const [next] = await load([path]);
    expect(next).toMatchObject({ outcome: "loaded", rows: 2, rowsWritten: 1 });
  });

  it("leaves no snapshot folder behind, whether the ingest loads or is rejected", async () => {
    await load([write("invoices.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100,USD,\n`)]);
    expect(snapshotFolders()).toEqual([]);
    await expect(load([write("invoices-2.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,abc,USD,\n`)])).rejects.toThrow(IngestRejected);
    expect(snapshotFolders()).toEqual([]);
  });

  it("removes the snapshot folder of a process that died, and not that of one still running", async () => {
    mkdirSync(archive());
    const host = hostname().replace(/[^A-Za-z0-9.]/g, "_");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    mkdirSync(join(archive(), `.snapshot-${host}-${dead}-abc123`));
    writeFileSync(join(archive(), `.snapshot-${host}-${dead}-abc123`, "0-invoices.csv"), "half a copy");
    mkdirSync(join(archive(), `.snapshot-${host}-${process.pid}-def456`));
    await load([write("invoices.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100,USD,\n`)]);
    expect(snapshotFolders()).toEqual([`.snapshot-${host}-${process.pid}-def456`]);
  });

  it("names the user's file, not the snapshot, when the reader quotes a path", async () => {
    const path = write("invoices.parquet", "this is not parquet at all");
    const e = await failure([path]);
    expect(e).toBeInstanceOf(IngestRejected);
    const text = [e.message, ...(e as IngestRejected).details].join("\n");
    expect(text).toContain("invoices.parquet");
    expect(text).not.toContain(".snapshot-");
  });
});

describe("ingest refuses what is not a regular file, in words", () => {
  it("refuses a FIFO named on the command line at once instead of waiting on it", async () => {
    const fifo = join(dir, "in", "invoices.csv");
    mkfifo(fifo);
    expect((await failure([fifo])).message).toBe(`${fifo}: a named pipe (FIFO), not a regular file: arwatch reads only regular files`);
  });

  it("refuses a FIFO named like an extract in a folder, and skips one named like no extract", async () => {
    mkfifo(join(dir, "in", "notes.pipe"));
    write("invoices-1.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100,USD,\n`);
    const log = memoryLogger();
    await load([join(dir, "in")], log);
    expect(log.lines).toContain(`skipping ${join(dir, "in", "notes.pipe")}: its extension is not .csv, .tsv, .txt, .xlsx, .parquet, .jsonl or .ndjson`);
    mkfifo(join(dir, "in", "invoices-2.csv"));
    expect((await failure([join(dir, "in")])).message).toBe(`${join(dir, "in", "invoices-2.csv")}: a named pipe (FIFO), not a regular file: arwatch reads only regular files`);
  });

  it("names a dangling symbolic link and its target, on the command line and in a folder", async () => {
    const link = join(dir, "in", "payments.csv");
    symlinkSync("/nowhere/payments-2024-06.csv", link);
    const expected = `${link}: a symbolic link to /nowhere/payments-2024-06.csv, which does not exist`;
    expect((await failure([link])).message).toBe(expected);
    expect((await failure([join(dir, "in")])).message).toBe(expected);
  });

  it("follows a symbolic link to a real file and archives its content", async () => {
    const body = `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100,USD,\n`;
    mkdirSync(join(dir, "real"));
    writeFileSync(join(dir, "real", "export.csv"), body);
    symlinkSync(join(dir, "real", "export.csv"), join(dir, "in", "invoices.csv"));
    const [outcome] = await load([join(dir, "in", "invoices.csv")]);
    expect(outcome).toMatchObject({ name: "invoices.csv", rows: 1, outcome: "loaded" });
    expect(readFileSync(join(archive(), "invoices", `${outcome!.sha256}.csv`), "utf8")).toBe(body);
  });

  it("names a missing path without Node's error codes", async () => {
    expect((await failure([join(dir, "in", "invoices-missing.csv")])).message).toBe(`${join(dir, "in", "invoices-missing.csv")}: no such file or folder`);
  });

  it("says in words when the archive folder cannot be used", async () => {
    writeFileSync(archive(), "a file where the archive folder should be");
    const e = await failure([write("invoices.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-01,,100,USD,\n`)]);
    expect(e.message).toBe(`${archive()}: cannot make a working folder in the archive folder: a file is in the way where a folder is needed`);
  });
});

describe("files of one entity load in natural name order", () => {
  it("loads invoices-2024-9 before invoices-2024-10, so the later month's restatement wins", async () => {
    write("invoices-2024-10.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-09-01,,150,USD,\n`);
    write("invoices-2024-9.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-09-01,,100,USD,\n`);
    const outcomes = await load([join(dir, "in")]);
    expect(outcomes.map((o) => o.name)).toEqual(["invoices-2024-9.csv", "invoices-2024-10.csv"]);
    expect(await wh.all("select amount, _source_file from raw.invoices")).toEqual([{ amount: "150.00", _source_file: "invoices-2024-10.csv" }]);
  });
});
