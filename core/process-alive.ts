import { readFileSync } from "node:fs";

/**
 * The kernel's start time of a process (clock ticks since boot, field 22 of /proc/<pid>/stat),
 * so that a pid reused by another process after a crash is not taken for the one that wrote a lock.
 * Undefined where /proc is not there (macOS) or the process is gone.
 */
export function processStartTicks(pid: number): string | undefined {
  const stat = procStat(pid);
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

function procStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Whether a process is running: signal 0 probes it without touching it (EPERM means it exists but
 * belongs to someone else). A zombie — killed but not yet reaped by its parent — is not running.
 * With the start time a lock recorded, a reused pid counts as dead.
 */
export function processAlive(pid: number, startTicks?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(pid);
  if (stat === undefined) return true;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return false;
  return startTicks === undefined || fields[19] === startTicks;
}
