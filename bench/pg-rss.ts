import { readFileSync, readdirSync } from "node:fs";

/**
 * PostgreSQL works in many processes (a backend per session, parallel workers, the writer and
 * checkpointer), so /usr/bin/time on psql would measure the client, not the server. Instead
 * this samples the instance's processes from /proc and estimates its footprint as
 * sum(private anonymous memory) + the largest shared-memory and file-mapped residency of any one
 * process — shared pages are counted once, not once per process that touched them.
 */
export interface RssSampler {
  /** Starts a new measurement window (one step). */
  reset(): void;
  /** The peak estimate in KB since the last reset; null if nothing was ever read. */
  peakKb(): number | null;
  stop(): void;
}

const SAMPLE_MS = 100;

export function sampleInstanceRss(postmasterPid: number): RssSampler {
  let peak: number | null = null;
  const take = () => {
    const kb = instanceRssKb(postmasterPid);
    if (kb !== null && (peak === null || kb > peak)) peak = kb;
  };
  take();
  const timer = setInterval(take, SAMPLE_MS);
  // The sampler must never keep the harness alive on its own.
  timer.unref();
  return {
    reset() {
      peak = null;
      take();
    },
    peakKb() {
      take();
      return peak;
    },
    stop() {
      clearInterval(timer);
    },
  };
}

function instanceRssKb(postmasterPid: number): number | null {
  const pids = [postmasterPid, ...childrenOf(postmasterPid)];
  let anon = 0;
  let shmem = 0;
  let file = 0;
  let seen = 0;
  for (const pid of pids) {
    const s = statusOf(pid);
    if (!s) continue;
    seen++;
    anon += s.RssAnon ?? 0;
    shmem = Math.max(shmem, s.RssShmem ?? 0);
    file = Math.max(file, s.RssFile ?? 0);
  }
  return seen > 0 ? anon + shmem + file : null;
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // The command name may contain spaces and parentheses: the fields start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === parent) out.push(Number(e));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

function statusOf(pid: number): Record<string, number> | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const out: Record<string, number> = {};
    for (const line of text.split("\n")) {
      const m = /^(Rss\w+):\s+(\d+) kB/.exec(line);
      if (m) out[m[1]!] = Number(m[2]);
    }
    return out;
  } catch {
    return undefined;
  }
}
