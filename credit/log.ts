// The append-only log of credit checks and overrides: one JSON object per line, written and
// fsynced before the answer leaves, so a crash of the server loses no decision it gave. Many
// concurrent checks share one write and one fsync (group commit), so durability costs one disk
// flush per batch, not one per check.
import { createReadStream, existsSync, mkdirSync, openSync, readSync, closeSync, fstatSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import type { LogRecord } from "./records.ts";

interface Pending {
  line: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class CreditLog {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  private tornTail = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (creating) the log for appending. A line torn by a crash mid-write is closed off, never removed. */
  static async open(path: string): Promise<CreditLog> {
    mkdirSync(dirname(path), { recursive: true });
    const handle = await open(path, "a");
    const size = (await handle.stat()).size;
    if (size > 0 && lastByte(path, size) !== 0x0a) {
      await handle.write("\n");
      await handle.datasync();
    }
    return new CreditLog(path, handle);
  }

  /** Resolves once the record is on disk. */
  append(...records: LogRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the credit log ${this.path} is closed`));
    const line = records.map((r) => `${JSON.stringify(r)}\n`).join("");
    const written = new Promise<void>((resolve, reject) => this.queue.push({ line, resolve, reject }));
    this.flushing ??= this.flush();
    return written;
  }

  private async flush(): Promise<void> {
    // Let the requests that arrived in the same turn of the event loop join this batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        // After a failed write, part of a line may be on disk: start on a fresh line, so that only
        // the torn one is unreadable, never the record after it.
        const text = (this.tornTail ? "\n" : "") + batch.map((p) => p.line).join("");
        await this.writeAll(Buffer.from(text, "utf8"));
        this.tornTail = false;
        await this.handle.datasync();
        for (const p of batch) p.resolve();
      } catch (e) {
        this.tornTail = true;
        for (const p of batch) p.reject(new Error(`cannot write the credit log ${this.path}: ${(e as Error).message}`));
      }
    }
    this.flushing = null;
  }

  /** write(2) may write less than asked (a full disk, a file-size limit): go on until all is written or it fails. */
  private async writeAll(buffer: Buffer): Promise<void> {
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await this.handle.write(buffer, offset, buffer.length - offset);
      if (bytesWritten <= 0) throw new Error("the disk took no more bytes");
      offset += bytesWritten;
    }
  }

  /** Waits for what is queued, then closes. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.handle.close();
  }
}

function lastByte(path: string, size: number): number {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(1);
    readSync(fd, buffer, 0, 1, size - 1);
    return buffer[0]!;
  } finally {
    closeSync(fd);
  }
}

export interface ReadLog {
  records: LogRecord[];
  /** Lines that are not a record (a line torn by a crash): skipped, counted, never removed. */
  unreadable: number;
}

/** Reads every record of the log, in order; a missing log is an empty one. */
export async function readCreditLog(path: string): Promise<ReadLog> {
  const records: LogRecord[] = [];
  let unreadable = 0;
  if (!existsSync(path)) return { records, unreadable };
  const fd = openSync(path, "r");
  // Only what was on disk when reading began: a writer appending meanwhile is read next time.
  const size = fstatSync(fd).size;
  closeSync(fd);
  if (size === 0) return { records, unreadable };
  const lines = createInterface({ input: createReadStream(path, { start: 0, end: size - 1 }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const record = JSON.parse(line) as LogRecord;
      if (record && (record.type === "check" || record.type === "override")) records.push(record);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { records, unreadable };
}
