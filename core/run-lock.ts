// One job at a time per warehouse. `arwatch run`, each run that `arwatch schedule` starts, and
// `arwatch notify` take the run lock, a file beside the warehouse (`<db>.lock`), for as long as they
// change the warehouse or deliver mail; a second one is refused before it changes anything, with a
// message naming the holder. The scheduler also holds `<db>.schedule.lock` for its whole life, so
// that two schedulers never share a warehouse, while a manual run between two ticks stays possible.
//
// A holder that crashed (even killed with SIGKILL) never blocks the next one and needs no clean-up:
// the lock records the holder's pid and the kernel's start time of that pid, and a lock whose
// process is gone is taken over (core/lock-file.ts).
//
// For a command (e.g. `arwatch notify`):
//
//   import { withRunLock } from "../../core/run-lock.ts";
//   await withRunLock(ctx.db, "arwatch notify", () => new Date(), () => withWarehouse(ctx.db, "write", (wh) => …));
//
// Take the lock BEFORE opening the warehouse, and let RunBusy through to the CLI's one exit path:
// it carries exitCode 75 (EX_TEMPFAIL: "try again later"), so a wrapper can tell "busy" from "failed".
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { acquireLockFile, LockHeld, type HeldLock, type LockRecord } from "./lock-file.ts";

export type { LockRecord } from "./lock-file.ts";

/** The exit code of a command refused because the warehouse is busy (sysexits' EX_TEMPFAIL). */
export const BUSY_EXIT_CODE = 75;

export type WarehouseLockKind = "run" | "schedule";

/** The lock file of a warehouse: `<db>.lock` for a run, `<db>.schedule.lock` for the scheduler. */
export function warehouseLockPath(dbPath: string, kind: WarehouseLockKind = "run"): string {
  return kind === "run" ? `${dbPath}.lock` : `${dbPath}.schedule.lock`;
}

/** A second job on a busy warehouse: names who holds it and since when. */
export class RunBusy extends Error {
  readonly exitCode = BUSY_EXIT_CODE;
  constructor(
    readonly dbPath: string,
    readonly what: string,
    readonly holder: LockRecord,
    readonly lockPath: string,
  ) {
    super(
      `${what}: the warehouse ${dbPath} is busy: ${holder.what ?? "another arwatch command"} (pid ${holder.pid} on ${holder.host}, ` +
        `since ${holder.startedAt}) holds its lock ${lockPath}; this one stopped before changing anything: ` +
        (holder.host === hostname()
          ? "run it again once that one has finished"
          : `the lock was taken on another machine (${holder.host}), which cannot be checked from here: ` +
            `if no arwatch command runs there any more (a container that is gone, say), delete ${lockPath} and run it again`),
    );
    this.name = "RunBusy";
  }
}

/** In-memory and remote warehouses have no file beside which a lock could live, and no second process to share them. */
function lockable(dbPath: string): boolean {
  return dbPath !== ":memory:" && !dbPath.startsWith("md:");
}

/**
 * Takes a warehouse lock (null for a warehouse that is not a local file), or throws RunBusy.
 * `what` names the taker in the message a refused caller gets ("arwatch run", "arwatch notify").
 */
export function acquireWarehouseLock(
  dbPath: string,
  what: string,
  now: Date,
  options: { kind?: WarehouseLockKind; onStale?: (holder: LockRecord) => void } = {},
): HeldLock | null {
  if (!lockable(dbPath)) return null;
  const path = warehouseLockPath(dbPath, options.kind);
  mkdirSync(dirname(path), { recursive: true });
  try {
    return acquireLockFile(path, now, { what, onStale: options.onStale });
  } catch (e) {
    if (e instanceof LockHeld) throw new RunBusy(dbPath, what, e.holder, path);
    throw e;
  }
}

/**
 * Runs fn while holding the warehouse's run lock, and releases it however fn ends. Throws RunBusy
 * (before calling fn) when another live job holds it. `now` is the clock (a Date or a function).
 */
export async function withRunLock<T>(
  dbPath: string,
  what: string,
  now: Date | (() => Date),
  fn: () => Promise<T>,
  options: { onStale?: (holder: LockRecord) => void } = {},
): Promise<T> {
  const lock = acquireWarehouseLock(dbPath, what, typeof now === "function" ? now() : now, { kind: "run", onStale: options.onStale });
  try {
    return await fn();
  } finally {
    lock?.release();
  }
}
