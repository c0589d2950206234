// Opening the credit check: the standing of the last build, the log replayed, and — for anything
// that records checks — the log's lock, so that one process at a time appends to it and the
// reservations it holds in memory are all the reservations there are.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../core/config.ts";
import { acquireLockFile, LockHeld, type HeldLock } from "../core/lock-file.ts";
import { BUSY_EXIT_CODE } from "../core/run-lock.ts";
import type { Logger } from "../core/log.ts";
import { loadStanding } from "./load-standing.ts";
import { CreditLog, readCreditLog } from "./log.ts";
import { creditLogLockPath, creditLogPath, standingPath } from "./paths.ts";
import { CreditService } from "./service.ts";

/** Another process records checks in this log now. */
export class CreditLogBusy extends Error {
  readonly exitCode = BUSY_EXIT_CODE;
  constructor(message: string) {
    super(message);
    this.name = "CreditLogBusy";
  }
}

export interface CreditSession {
  service: CreditService;
  logFile: string;
  standingFile: string;
  close(): Promise<void>;
}

export interface SessionOptions {
  db: string;
  config: Config;
  /** What takes the log ("arwatch check", "arwatch serve"); absent: read only (holds). */
  writer?: string;
  /** Read this customer's standing alone (`arwatch check`): the session then answers for no other. */
  onlyCustomer?: string;
  /** Read this standing file instead of the warehouse's published one (a build's, before it is swapped in). */
  standingFile?: string;
  /** How long a writer waits for another `arwatch check` to finish (ms). */
  waitMs?: number;
  log?: Logger;
  now?: () => Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function takeLogLock(logFile: string, what: string, waitMs: number, now: () => Date): Promise<HeldLock> {
  const path = creditLogLockPath(logFile);
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return acquireLockFile(path, now(), { what });
    } catch (e) {
      if (!(e instanceof LockHeld)) throw e;
      const holder = e.holder;
      // Another `arwatch check` holds it for a moment; a server holds it for its whole life.
      if (holder.what === "arwatch check" && Date.now() < deadline) {
        await sleep(25);
        continue;
      }
      const server = holder.what === "arwatch serve";
      throw new CreditLogBusy(
        `${what}: ${holder.what ?? "another arwatch command"} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) records credit checks in ${logFile}` +
          (server ? "; send the check to that server (POST /v1/credit-checks), so that its reservations count" : "; try again once it has finished"),
      );
    }
  }
}

/** Opens the credit check over the last published standing, with the log replayed. */
export async function openCreditSession(options: SessionOptions): Promise<CreditSession> {
  const now = options.now ?? (() => new Date());
  const logFile = creditLogPath(options.db, options.config);
  const standingFile = options.standingFile ?? standingPath(options.db);
  const lock = options.writer ? await takeLogLock(logFile, options.writer, options.waitMs ?? 10_000, now) : null;
  try {
    const standing = await loadStanding(standingFile, { onlyCustomer: options.onlyCustomer });
    const { records, unreadable } = await readCreditLog(logFile);
    if (unreadable > 0) options.log?.warn(`${logFile}: ${unreadable} line(s) are not records (torn by a crash?) and were skipped; nothing was removed`);
    const log = lock ? await CreditLog.open(logFile) : null;
    const service = new CreditService({ config: options.config, standing, log: log ?? readOnlyLog(logFile), now });
    service.replay(records);
    return {
      service,
      logFile,
      standingFile,
      async close() {
        try {
          await log?.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

function readOnlyLog(path: string) {
  return {
    path,
    append: () => Promise.reject(new Error("this credit session is read-only: it records no checks")),
  } as unknown as CreditLog;
}
