import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { processAlive } from "../core/process-alive.ts";
import { LOCK_TEMP } from "./site-lock.ts";
import { currentVersion, newBuildId, parseVersionEntry, SITE_MARKER, versionsDir, VERSIONS_MARKER, type SiteManifest } from "./site-layout.ts";
import type { SiteTarget } from "./site-target.ts";

/** Creates the folder of versions beside out, with the marker that proves it is arwatch's. */
export function ensureVersionsDir(out: string, now: Date): string {
  const dir = versionsDir(out);
  mkdirSync(dir, { recursive: true });
  const marker = join(dir, VERSIONS_MARKER);
  if (!existsSync(marker)) writeFileSync(marker, `${JSON.stringify({ tool: "arwatch", kind: "site-versions", site: basename(out), createdAt: now.toISOString() })}\n`);
  return dir;
}

/** Every file under dir, relative with "/" separators, sorted, and their total size. */
function listFiles(dir: string): { files: string[]; bytes: number } {
  const files: string[] = [];
  let bytes = 0;
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (rel !== SITE_MARKER) {
        files.push(rel);
        bytes += statSync(join(dir, rel)).size;
      }
    }
  };
  walk("");
  return { files: files.sort(), bytes };
}

/** Writes the marker into a finished build: what proves the folder is an arwatch site, and every file it must hold. */
export function writeManifest(dir: string, buildId: string, builtAt: Date): SiteManifest {
  const { files, bytes } = listFiles(dir);
  const manifest: SiteManifest = { tool: "arwatch", kind: "report-site", buildId, builtAt: builtAt.toISOString(), fileCount: files.length, bytes, files };
  writeFileSync(join(dir, SITE_MARKER), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

/**
 * Publishes a finished build: the partial folder becomes a version, and a new link to it replaces
 * out in one rename(2), so a reader finds the previous site or the new one, never a mix. An empty
 * folder at out is removed first (rmdir fails if anything appeared in it); a plain folder holding
 * an arwatch site is moved into the folder of versions first (old layout), which leaves out absent
 * for the instant between two renames, once.
 */
export function publishVersion(out: string, target: SiteTarget, buildId: string, now: Date): void {
  const dir = versionsDir(out);
  renameSync(join(dir, `${buildId}.partial`), join(dir, buildId));
  const link = join(dir, `${buildId}.link`);
  symlinkSync(join(basename(dir), buildId), link);
  if (target.kind === "empty-folder") rmdirSync(out);
  if (target.kind === "site-folder") renameSync(out, join(dir, newBuildId(now)));
  renameSync(link, out);
}

/**
 * Removes what earlier builds left in the folder of versions: versions out no longer links to,
 * partial folders and pending links of builds that were killed. Only names arwatch writes (which
 * carry the writer's pid) are touched, and only when that process is this one or no longer runs;
 * anything else there is left alone. Returns the names removed.
 */
export function removeLeftovers(out: string): string[] {
  const dir = versionsDir(out);
  if (!existsSync(dir)) return [];
  const current = currentVersion(out);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const entry = parseVersionEntry(name);
    const lockTemp = LOCK_TEMP.exec(name);
    const pid = entry?.pid ?? (lockTemp ? Number(lockTemp[1]) : undefined);
    if (pid === undefined || (entry?.kind === "version" && entry.buildId === current)) continue;
    if (pid !== process.pid && processAlive(pid)) continue;
    // A lock temp file of this very process is in use while the lock is taken.
    if (lockTemp && pid === process.pid) continue;
    // rm removes a link itself, never what it points to.
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
