// One lock-file implementation for every "one at a time" in arwatch: the site build's lock
// (reports/site-lock.ts) and the warehouse's run lock (core/run-lock.ts). A lock is a small JSON file
// naming its holder. No clean-up is ever needed after a crash: a holder whose process is gone (killed
// with SIGKILL, or its pid reused by another program since) is stale and taken over.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { processAlive, processStartTicks } from "./process-alive.ts";

export interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
  /** The kernel's start time of pid, so that a reused pid does not keep a dead holder's lock. */
  startTicks?: string;
  token: string;
  /** What the holder is doing (e.g. "arwatch run"), for the message a refused caller prints. */
  what?: string;
}

/** Thrown when a live process holds the lock. */
export class LockHeld extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockRecord,
  ) {
    super(`${path} is held by pid ${holder.pid} on ${holder.host} since ${holder.startedAt}`);
    this.name = "LockHeld";
  }
}

export interface HeldLock {
  readonly path: string;
  readonly record: LockRecord;
  /** Whether the lock file is still this holder's (one that lost it must not publish its work). */
  held(): boolean;
  /** Removes the lock file if it is still this holder's; safe to call twice. */
  release(): void;
}

/** Reads a lock file; null when it is absent or not a lock record. */
export function readLockFile(path: string): LockRecord | null {
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as LockRecord;
    return typeof record.pid === "number" && typeof record.token === "string" ? record : null;
  } catch {
    return null;
  }
}

/** Whether a recorded holder still runs. One on another host cannot be checked, so it counts as live. */
export function holderAlive(holder: LockRecord): boolean {
  return holder.host !== hostname() || processAlive(holder.pid, holder.startTicks);
}

/**
 * Takes the lock at `path`, or throws LockHeld naming the live holder. The record is written whole
 * to `<path>.p<pid>.tmp` and hard-linked into place (link(2) fails if the lock exists), so a reader
 * never sees half a record. A stale lock is renamed to `<path>.p<pid>.stale` and checked to be the
 * one judged stale (not a lock another process took meanwhile) before it is removed.
 */
export function acquireLockFile(path: string, now: Date, options: { what?: string; onStale?: (holder: LockRecord) => void } = {}): HeldLock {
  const mine: LockRecord = {
    pid: process.pid,
    host: hostname(),
    startedAt: now.toISOString(),
    startTicks: processStartTicks(process.pid),
    token: `${process.pid}-${now.getTime()}-${Math.random().toString(36).slice(2)}`,
    ...(options.what === undefined ? {} : { what: options.what }),
  };
  const temp = `${path}.p${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, path);
        return {
          path,
          record: mine,
          held: () => readLockFile(path)?.token === mine.token,
          release() {
            if (readLockFile(path)?.token === mine.token) unlinkSync(path);
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const holder = readLockFile(path);
      if (holder && holderAlive(holder)) throw new LockHeld(path, holder);
      // Stale (or unreadable, which a whole-file link never leaves): move it aside and check that
      // what was moved is the one judged stale, not a lock another process took meanwhile.
      const aside = `${path}.p${process.pid}.stale`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readLockFile(aside);
      if (moved && holder && moved.token !== holder.token) {
        try {
          linkSync(aside, path);
        } catch {
          // Someone else holds it now; either way this process is not the holder.
        }
        unlinkSync(aside);
        throw new LockHeld(path, moved);
      }
      unlinkSync(aside);
      if (holder) options.onStale?.(holder);
    }
    throw new Error(`could not take the lock ${path} after 3 attempts`);
  } finally {
    unlinkSync(temp);
  }
}
