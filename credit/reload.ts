// The server's reload: each build renames a new standing file into place, so a change of the
// file's identity (inode, size, modification time) means a new build. The new standing is loaded
// beside the old one, which keeps answering meanwhile, and swapped in whole in one synchronous step.
import { stat } from "node:fs/promises";
import type { Logger } from "../core/log.ts";
import { loadStanding } from "./load-standing.ts";
import type { CreditService } from "./service.ts";
import type { Standing } from "./standing.ts";

/** What identifies one published standing file; "missing" when there is none. */
export async function standingSignature(path: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw e;
  }
}

export interface WatcherOptions {
  path: string;
  service: CreditService;
  log: Logger;
  /** The signature of the file the service's standing was loaded from (taken before loading it). */
  loadedSignature: string;
  /** How often to look at the file (ms); 0 or less: only when reloadNow() is called. */
  everyMs: number;
  load?: (path: string) => Promise<Standing>;
}

export interface ReloadStatus {
  /** When the standing in use was loaded (ISO 8601 UTC). */
  loadedAt: string;
  /** The last failed reload's reason, until a reload succeeds. */
  lastError: string | null;
}

/** Watches the published standing and swaps a new build's in; requests are never paused for it. */
export class StandingWatcher {
  private signature: string;
  /** A file that failed to load is not tried again until it changes (no warning every second). */
  private failedSignature: string | null = null;
  private running: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly load: (path: string) => Promise<Standing>;
  readonly status: ReloadStatus = { loadedAt: new Date().toISOString(), lastError: null };

  constructor(private readonly options: WatcherOptions) {
    this.signature = options.loadedSignature;
    this.load = options.load ?? loadStanding;
  }

  start(): void {
    if (this.options.everyMs <= 0 || this.timer) return;
    // A poll never overlaps the previous one: reloadNow() joins a reload under way.
    this.timer = setInterval(() => void this.reloadNow(), this.options.everyMs);
    this.timer.unref();
  }

  /** Stops polling and waits for a reload under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => false);
  }

  /** Loads the standing if the file changed since the last load; true when a new one was swapped in. */
  reloadNow(): Promise<boolean> {
    this.running ??= this.reload().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async reload(): Promise<boolean> {
    if (this.stopped) return false;
    const { path, service, log } = this.options;
    let seen: string;
    try {
      seen = await standingSignature(path);
    } catch (e) {
      return this.failed(`cannot read ${path}: ${(e as Error).message}`, null);
    }
    if (seen === this.signature || seen === this.failedSignature) return false;
    if (seen === "missing") return this.failed(`${path} is gone`, seen);
    const started = performance.now();
    let standing: Standing;
    try {
      standing = await this.load(path);
    } catch (e) {
      return this.failed(`cannot load ${path}: ${(e as Error).message}`, seen);
    }
    if (this.stopped) return false;
    const { released } = service.setStanding(standing);
    // The signature taken before loading: a build that published again meanwhile is loaded next time.
    this.signature = seen;
    this.failedSignature = null;
    this.status.loadedAt = new Date().toISOString();
    this.status.lastError = null;
    const ms = Math.round(performance.now() - started);
    log.info(
      `reloaded the credit standing: build as of ${standing.build.asOfDate} (built ${standing.build.builtAt}), ` +
        `${standing.customers.size} customers, in ${ms} ms; ${released} pending approval(s) released (their orders reached the warehouse)`,
    );
    return true;
  }

  private failed(message: string, signature: string | null): false {
    if (signature !== null) this.failedSignature = signature;
    if (this.status.lastError !== message) this.options.log.warn(`${message}; still answering from the build as of ${this.options.service.standing.build.asOfDate}`);
    this.status.lastError = message;
    return false;
  }
}
