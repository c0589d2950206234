import { join } from "node:path";
import { acquireLockFile, LockHeld, type HeldLock, type LockRecord } from "../core/lock-file.ts";
import { LOCK_FILE } from "./site-layout.ts";

export type { LockRecord } from "../core/lock-file.ts";

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

export type SiteLock = Pick<HeldLock, "held" | "release">;

/** Temporary files of the lock: `build.lock.p<pid>.tmp` while it is written, `build.lock.p<pid>.stale` while a dead one is moved away. */
export const LOCK_TEMP = /^build\.lock\.p(\d+)\.(tmp|stale)$/;

/**
 * Takes the lock of a folder of versions, or throws SiteBuildBusy naming the live holder. The
 * lock file itself (written whole, taken over from a killed holder) is core/lock-file.ts's.
 */
export function acquireSiteLock(dir: string, out: string, now: Date, onStale: (holder: LockRecord) => void = () => {}): SiteLock {
  try {
    return acquireLockFile(join(dir, LOCK_FILE), now, { onStale });
  } catch (e) {
    if (e instanceof LockHeld) throw new SiteBuildBusy(out, e.holder);
    if (e instanceof Error && e.message.startsWith("could not take the lock")) throw new Error(`report: ${e.message}`);
    throw e;
  }
}
