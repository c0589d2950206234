import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "../core/process-alive.ts";

/** `site-p<pid>-<random>`: the pid proves whose copy it is and, once that process is gone, that nobody uses it. */
const WORKING_COPY = /^site-p(\d+)-[a-z0-9]+$/;
/** Copies made by arwatch before their names carried a pid (mkdtemp's six characters). */
const OLD_WORKING_COPY = /^site-[A-Za-z0-9]{6}$/;
/** No build takes a day: an old-style copy untouched for longer belongs to a build that is long gone. */
const OLD_COPY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A private copy of the site's project for one build, inside reportsDir/.build so that Framework
 * finds node_modules above it: two builds at once (a scheduler and a test, say) never share data files.
 */
export function createWorkingCopy(reportsDir: string): string {
  const parent = join(reportsDir, ".build");
  mkdirSync(parent, { recursive: true });
  const work = join(parent, `site-p${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(work);
  cpSync(join(reportsDir, "observablehq.config.js"), join(work, "observablehq.config.js"));
  cpSync(join(reportsDir, "src"), join(work, "src"), {
    recursive: true,
    filter: (source) => !/[\\/](data|\.observablehq)$/.test(source),
  });
  return work;
}

/**
 * Removes the working copies that builds killed before their clean-up left behind: those whose
 * process no longer runs, and old-style ones (no pid in the name) untouched for a day.
 * Returns the names removed.
 */
export function removeStaleWorkingCopies(reportsDir: string, now: Date): string[] {
  const parent = join(reportsDir, ".build");
  if (!existsSync(parent)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    const m = WORKING_COPY.exec(name);
    const path = join(parent, name);
    const stale = m
      ? Number(m[1]) !== process.pid && !processAlive(Number(m[1]))
      : OLD_WORKING_COPY.test(name) && now.getTime() - modifiedAt(path) > OLD_COPY_MAX_AGE_MS;
    if (!stale) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** When a path was last modified; now-ish (never stale) if another build removed it meanwhile. */
function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
