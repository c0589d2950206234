import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processAlive, processStartTicks } from "../core/process-alive.ts";
import { LOCK_FILE } from "./site-layout.ts";

/** Thrown when another live build holds the site's lock: the loser stops before changing anything. */
export class SiteBuildBusy extends Error {
  constructor(readonly out: string, readonly holder: LockRecord) {
    super(
      `report: another report build (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}) is publishing ${out}; ` +
        "this one stopped before changing anything: run it again once that one has finished",
    );
    this.name = "SiteBuildBusy";
  }
}

export interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
  /** The kernel's start time of pid, so that a reused pid does not keep a dead build's lock. */
  startTicks?: string;
  token: string;
}

export interface SiteLock {
  /** Whether the lock file is still this build's (a build that lost it must not publish). */
  held(): boolean;
  release(): void;
}

function readLock(path: string): LockRecord | null {
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as LockRecord;
    return typeof record.pid === "number" && typeof record.token === "string" ? record : null;
  } catch {
    return null;
  }
}

/** Temporary files of the lock: `build.lock.p<pid>.tmp` while it is written, `build.lock.p<pid>.stale` while a dead one is moved away. */
export const LOCK_TEMP = /^build\.lock\.p(\d+)\.(tmp|stale)$/;

/**
 * Takes the lock of a folder of versions, or throws SiteBuildBusy naming the live holder. The
 * record is written whole to a temporary file and hard-linked into place (link(2) fails if the
 * lock exists), so a reader never sees half a record. A lock whose process is gone — killed, or
 * its pid reused by another program — is stale and taken over.
 */
export function acquireSiteLock(dir: string, out: string, now: Date, onStale: (holder: LockRecord) => void = () => {}): SiteLock {
  const path = join(dir, LOCK_FILE);
  const mine: LockRecord = {
    pid: process.pid,
    host: hostname(),
    startedAt: now.toISOString(),
    startTicks: processStartTicks(process.pid),
    token: `${process.pid}-${now.getTime()}-${Math.random().toString(36).slice(2)}`,
  };
  const temp = join(dir, `${LOCK_FILE}.p${process.pid}.tmp`);
  writeFileSync(temp, JSON.stringify(mine));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, path);
        return {
          held: () => readLock(path)?.token === mine.token,
          release() {
            if (readLock(path)?.token === mine.token) unlinkSync(path);
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const holder = readLock(path);
      if (holder && (holder.host !== mine.host || processAlive(holder.pid, holder.startTicks))) throw new SiteBuildBusy(out, holder);
      // Stale (or unreadable, which a whole-file link never leaves): move it aside and check that
      // what was moved is the one judged stale, not a lock another build took meanwhile.
      const aside = join(dir, `${LOCK_FILE}.p${process.pid}.stale`);
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readLock(aside);
      if (moved && holder && moved.token !== holder.token) {
        try {
          linkSync(aside, path);
        } catch {
          // Someone else holds it now; either way this build is not the holder.
        }
        unlinkSync(aside);
        throw new SiteBuildBusy(out, moved);
      }
      unlinkSync(aside);
      if (holder) onStale(holder);
    }
    throw new Error(`report: could not take the lock ${path} after 3 attempts`);
  } finally {
    unlinkSync(temp);
  }
}
